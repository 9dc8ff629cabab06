/**
 * The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a
 * 31-character alphabet (no I, O, S, V, Z); the last is a check character over the first 17
 * with weights 3^i mod 31.
 */
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[1-9A-HNY][0-9A-HJ-NP-RTUWXY][0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$/;

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += ALPHABET.indexOf(first17[i]!) * WEIGHTS[i]!;
  return ALPHABET[(31 - (sum % 31)) % 31]!;
}

/** Why a code is not valid, or null when it is. Lower-case letters are accepted and normalised by the caller. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return 'must be 18 characters';
  if (!SHAPE.test(code)) return 'has a character not allowed in a unified social credit code (GB 32100-2015)';
  if (creditCodeCheckCharacter(code.slice(0, 17)) !== code[17]) return 'has a wrong check character';
  return null;
}

export function isCreditCode(code: string): boolean {
  return creditCodeProblem(code) === null;
}

/** For logs: never the full code (DESIGN.md). */
export function maskCreditCode(code: string): string {
  return code.length === 18 ? `${code.slice(0, 6)}********${code.slice(14)}` : '******';
}
