/**
 * Bounded capture of a stream: the first `headBytes` and the last `tailBytes`, whatever the
 * stream's size. O(1) work per chunk, so `yes | head -c 1G` costs memory for two buffers only.
 */
export class HeadTail {
  private head: Buffer[] = [];
  private headLen = 0;
  private tail: Buffer[] = [];
  private tailLen = 0;
  bytes = 0;

  constructor(readonly headBytes: number, readonly tailBytes: number) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.headLen < this.headBytes) {
      const take = chunk.subarray(0, this.headBytes - this.headLen);
      this.head.push(take);
      this.headLen += take.length;
      chunk = chunk.subarray(take.length);
      if (chunk.length === 0) return;
    }
    this.tail.push(chunk);
    this.tailLen += chunk.length;
    while (this.tail.length > 1 && this.tailLen - this.tail[0]!.length >= this.tailBytes) this.tailLen -= this.tail.shift()!.length;
  }

  get truncated(): boolean {
    return this.bytes > this.headBytes + this.tailBytes;
  }

  /**
   * The kept text. When bytes were dropped, head and tail are cut at line ends and joined by a
   * marker. A cut never splits a word: on one long line it falls at the last boundary (space,
   * quote, comma, bracket) before it, so half a secret is never kept where the redactor
   * could not recognise it.
   */
  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    let tailBuf = Buffer.concat(this.tail);
    if (!this.truncated) return head + tailBuf.toString('utf8');
    tailBuf = tailBuf.subarray(tailBuf.length - this.tailBytes);
    const headCut = head.lastIndexOf('\n');
    const keptHead = headCut >= 0 ? head.slice(0, headCut + 1) : head.slice(0, lastBoundary(head));
    const tail = tailBuf.toString('utf8');
    const tailCut = tail.indexOf('\n');
    const keptTail = tailCut >= 0 && tailCut < tail.length - 1 ? tail.slice(tailCut + 1) : tail.slice(firstBoundary(tail));
    const dropped = this.bytes - Buffer.byteLength(keptHead) - Buffer.byteLength(keptTail);
    return `${keptHead}${keptHead.endsWith('\n') ? '' : '\n'}[… ${dropped} bytes not kept …]\n${keptTail}`;
  }

  /** The last `n` bytes seen (for live display), cut at a line start (or a word boundary on one long line). */
  last(n: number): string {
    const all = this.tailLen >= n ? Buffer.concat(this.tail) : Buffer.concat([...this.head, ...this.tail]);
    const buf = all.length > n ? all.subarray(all.length - n) : all;
    const text = buf.toString('utf8');
    if (all.length <= n) return text;
    const cut = text.indexOf('\n');
    return cut >= 0 ? text.slice(cut + 1) : text.slice(firstBoundary(text));
  }
}

// Characters no token (key, password, base64 blob) contains: a cut there never halves a secret.
const BOUNDARY = /[\s"',;<>()[\]{}|`]/;

/** Where a head cut on one long line may fall: just after the last boundary (0 when there is none: the whole line is one token). */
function lastBoundary(s: string): number {
  for (let i = s.length - 1; i >= 0; i--) if (BOUNDARY.test(s[i]!)) return i + 1;
  return 0;
}

/** Where a tail cut on one long line may start: at the first boundary (the end when there is none). */
function firstBoundary(s: string): number {
  for (let i = 0; i < s.length; i++) if (BOUNDARY.test(s[i]!)) return i;
  return s.length;
}
