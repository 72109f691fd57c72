// Masking credentials in sample lines before Flowgate stores or shows them (and before a sample goes to an
// AI endpoint): bearer/basic tokens, JWTs, cloud access keys, private keys, passwords in URLs, values of
// credential-like keys (password=, "token": …), and the org's own secret values wherever they appear.
export const MASK = '***';

const RULES: [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, MASK],
  [/\b(bearer|basic|token)(\s+)[A-Za-z0-9._~+/-]{8,}=*/gi, `$1$2${MASK}`],
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]+/g, MASK],
  [/\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g, MASK],
  [
    /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|xox[abpr]-[A-Za-z0-9-]{10,}|sk-[A-Za-z0-9_-]{20,}|fgk_[A-Za-z0-9_-]{10,}|fgr_[A-Za-z0-9_-]{10,})\b/g,
    MASK,
  ],
  [/(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)[^\s@/]+@/gi, `$1${MASK}@`],
  [
    /((?:^|[\s,{;&?"'])["']?(?:[\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|authorization|credential|session[_-]?id|cookie)[\w.-]*)["']?\s*[:=]\s*["']?)((?!bearer\b|basic\b|token\b|\*\*\*)[^\s"'&,;}]{2,})/gi,
    `$1${MASK}`,
  ],
];

export interface MaskResult {
  line: string;
  masked: number;
}

/** Masks credentials and the given secret values (longest first, at least 4 characters) in one line. */
export function maskLine(line: string, secretValues: readonly string[] = []): MaskResult {
  let masked = 0;
  let out = line;
  for (const value of secretValues) {
    if (value.length < 4 || !out.includes(value)) continue;
    const parts = out.split(value);
    masked += parts.length - 1;
    out = parts.join(MASK);
  }
  for (const [re, replacement] of RULES) {
    out = out.replace(re, (...args) => {
      const match = args[0] as string;
      const result = match.replace(new RegExp(re.source, re.flags.replace('g', '')), replacement);
      if (result !== match) masked++;
      return result;
    });
  }
  return { line: out, masked };
}
