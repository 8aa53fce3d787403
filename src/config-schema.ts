/** The config file's schema (loaded only when a config file exists). */
import { z } from 'zod';
import { DURATION_PATTERN } from './runbook/schema.js';

export const configSchema = z.strictObject({
  runbooks: z.array(z.string().min(1)).optional().describe('extra runbook folders, searched after --runbooks and ONCALL_RUNBOOKS'),
  operator: z.string().min(1).optional().describe('your name in the log; else ONCALL_OPERATOR, else the OS user'),
  default_timeout: z.union([z.number().int().positive(), z.string().regex(new RegExp(DURATION_PATTERN))]).optional().describe('timeout for step commands that set none (default 60s)'),
  alertmanager: z.strictObject({
    url: z.string().min(1).describe('Alertmanager to read alerts from and silence in (ALERTMANAGER_URL and the flags override)'),
  }).optional(),
  hypotheses: z.strictObject({
    model: z.string().min(1).optional().describe('Ollama model (default llama3.2:3b); ONCALL_MODEL and --model override'),
    you_first: z.boolean().optional().describe('ask for your own hypothesis before showing the model\'s'),
    timeout: z.union([z.number().int().positive(), z.string().regex(new RegExp(DURATION_PATTERN))]).optional().describe('deadline for the whole answer (default 120s)'),
    first_token_timeout: z.union([z.number().int().positive(), z.string().regex(new RegExp(DURATION_PATTERN))]).optional().describe('deadline for the first token, model load included (default 90s)'),
    num_ctx: z.number().int().min(1024).max(1_048_576).optional().describe('context window to ask for (default 8192, capped by the model)'),
    allow_remote: z.boolean().optional().describe('send incident data to an OLLAMA_HOST that is not on this machine (default false; --allow-remote for one run)'),
  }).optional(),
  share: z.strictObject({
    interval: z.union([z.number().int().positive(), z.string().regex(new RegExp(DURATION_PATTERN))]).optional().describe('how often the screen syncs a shared home with its remote when nothing was recorded (default 1s); a recorded event syncs at once'),
    background: z.boolean().optional().describe('whether the screen syncs in the background at all (default true)'),
  }).optional(),
});
