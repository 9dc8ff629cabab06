/**
 * A claim's stages after its preparation (R23): each programme lists the sign-offs a prepared claim
 * needs, in order, who may give each and within how many working days; the last one approves it.
 * Maker–checker holds at every stage (R18): nobody who prepared the claim or signed an earlier stage
 * of it decides a later one, and only the roles a stage names decide it.
 */
import type { Bilingual } from '../text';

export interface ClaimStage {
  id: string;
  title: Bilingual;
  by: readonly string[];
  workingDays: number;
}

/** A stage signed: by whom (username and role) and when. */
export interface SignOff {
  stage: string;
  by: string;
  role: string;
  at: string;
}

const ROLE_ZH: Record<string, string> = { manager: '托管机构经理', reviewer: '复核人', bureau: '财政审计局' };

/** Null when `actor` (of `role`) may decide the claim's current stage; else why not, in both languages. */
export function stageProblem({
  stage,
  role,
  actor,
  signOffs,
}: {
  stage: ClaimStage;
  role: string;
  actor: string;
  signOffs: readonly SignOff[];
}): (Bilingual & { code: string }) | null {
  if (!stage.by.includes(role))
    return {
      code: 'claim.not_your_stage',
      en: `the stage "${stage.title.en}" is decided by ${stage.by.join(' or ')} (R23)`,
      zh: `“${stage.title.zh}”环节由${stage.by.map((r) => ROLE_ZH[r] ?? r).join('或')}办理（R23）`,
    };
  if (signOffs.some((s) => s.by === actor))
    return {
      code: 'claim.signed_earlier_stage',
      en: 'the person who signed an earlier stage of a claim cannot decide a later one (maker–checker, R18)',
      zh: '已办理本申请前一环节的人不能办理后续环节（双人复核，R18）',
    };
  return null;
}

/** Whether the stage at `index` is the last: its sign-off approves the claim. */
export const isFinalStage = (stages: readonly ClaimStage[], index: number): boolean => index >= stages.length - 1;
