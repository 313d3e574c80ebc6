import * as pulumi from "@pulumi/pulumi";

/**
 * Physical names for the resources AWS names by hand rather than Pulumi's auto-naming (dashboards,
 * Glue databases, Athena workgroups): they are account-wide, so a second stack with the same name
 * would overwrite the first and destroying either would delete both. Each carries the project and
 * the stack, reduced to the characters every such service accepts.
 */
export function stackScopedName(suffix: string, separator: "-" | "_" = "-", stack = pulumi.getStack(), project = pulumi.getProject()): string {
  const name = [project, stack, suffix].join(separator).replace(/[^A-Za-z0-9_-]+/g, separator);
  // Glue database names must be lowercase; the others accept it too.
  return separator === "_" ? name.toLowerCase().replace(/-/g, "_") : name;
}
