/** The config file's schema (loaded only when a config file exists). */
import { z } from 'zod';
import { DURATION_PATTERN } from './runbook/schema.js';

export const configSchema = z.strictObject({
  runbooks: z.array(z.string().min(1)).optional().describe('extra runbook folders, searched after --runbooks and ONCALL_RUNBOOKS'),
  operator: z.string().min(1).optional().describe('your name in the log; else ONCALL_OPERATOR, else the OS user'),
  default_timeout: z.union([z.number().int().positive(), z.string().regex(new RegExp(DURATION_PATTERN))]).optional().describe('timeout for step commands that set none (default 60s)'),
});
