import type { ParsedToken, PermissionFlags } from '@grantkit/client';

/** One table row: a resource type, a name or pattern, how it matches, and the permissions it grants. */
export interface PermissionRow {
  type: string;
  name: string;
  match: 'exact' | 'pattern';
  permissions: string[];
}

/** Flattens a parsed token (the official SDK's shape) into rows for the permissions table. */
export function permissionRows(parsed: ParsedToken): PermissionRow[] {
  const rows: PermissionRow[] = [];
  for (const [match, slots] of [['exact', parsed.resources], ['pattern', parsed.patterns]] as const) {
    for (const [type, entries] of Object.entries(slots ?? {})) {
      for (const [name, flags] of Object.entries(entries as Record<string, PermissionFlags>)) {
        const permissions = Object.entries(flags).filter(([, granted]) => granted).map(([permission]) => permission);
        rows.push({ type, name, match, permissions });
      }
    }
  }
  return rows;
}
