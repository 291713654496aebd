/**
 * Grant lint: what is legal but probably not meant, and what `strict` validation would refuse.
 *
 * @module
 */
import { isAnchored, looksLikePattern } from '../authorize/patterns.js';
import { RESOURCE_TYPES } from '../slots.js';
import { slotField, strictFindings, type StrictRule, type TokenGrant } from './validate-grant.js';

/**
 * A lint finding: legal, but probably not what was meant.
 *
 * Exported from `@grantkit/core`.
 *
 * @example
 * ```ts
 * const warning: GrantWarning = { code: 'literal-looks-like-pattern', field: 'resources.channels.room-.*', message: '...' };
 * ```
 */
export interface GrantWarning {
  /**
   * `literal-looks-like-pattern`: an exact name containing RegEx syntax; `pattern-unanchored`: matches anywhere;
   * a {@link StrictRule}: what `strict` validation would refuse (reported in both modes).
   */
  code: 'literal-looks-like-pattern' | 'pattern-unanchored' | StrictRule;
  /** The field, named from the top of the REST body (`permissions.resources.channels.room-1`). */
  field: string;
  message: string;
}

/**
 * Lints a grant: regex-looking names granted as literals (`"2136.*"` grants only that literal name), patterns
 * not anchored with `^...$` (they match anywhere in a name, so `room-` also grants `lobby-room-1`), and, whatever
 * mode validated the grant, everything `strict` validation would refuse (the {@link StrictRule}s).
 *
 * Exported from `@grantkit/core`.
 *
 * @param grant - A validated grant.
 * @returns Warnings, empty when nothing looks off.
 * @example
 * ```ts
 * lintGrant(normalizeGrant({ ttl: 5, channels: [Channel.id('room-.*').read()] }))[0].code;
 * // 'literal-looks-like-pattern'
 * ```
 */
export function lintGrant(grant: TokenGrant): GrantWarning[] {
  const warnings: GrantWarning[] = [];
  for (const type of RESOURCE_TYPES) {
    for (const name of Object.keys(grant.resources[type])) {
      if (looksLikePattern(name)) {
        warnings.push({
          code: 'literal-looks-like-pattern',
          field: slotField('resources', type, name),
          message: `'${name}' contains RegEx syntax but is granted as an exact name; use a pattern to match many names`,
        });
      }
    }
    for (const pattern of Object.keys(grant.patterns[type])) {
      if (!isAnchored(pattern)) {
        warnings.push({
          code: 'pattern-unanchored',
          field: slotField('patterns', type, pattern),
          message: `'${pattern}' is not anchored with ^...$ and matches anywhere in a name`,
        });
      }
    }
  }
  for (const finding of strictFindings(grant)) {
    warnings.push({ code: finding.rule, field: finding.field, message: `strict validation refuses this: ${finding.error.message}` });
  }
  return warnings;
}
