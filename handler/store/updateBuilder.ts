import { nullMap, type Stored } from "./attributeValues";

/** A DynamoDB update, expressed with placeholders only (reserved words such as `status` bite). */
export interface UpdateSpec {
  Key: Record<string, string>;
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, Stored>;
}

/** Collects SET/REMOVE/ADD/DELETE clauses with a placeholder per attribute. */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
  private readonly adds: string[] = [];
  private readonly deletes: string[] = [];
  readonly names = nullMap<string>();
  readonly values = nullMap<Stored>();

  set(attribute: string, value: Stored | undefined): this {
    if (value === undefined) return this;
    this.sets.push(`${this.name(attribute)} = ${this.value(attribute, value)}`);
    return this;
  }

  remove(attribute: string): this {
    this.removes.push(this.name(attribute));
    return this;
  }

  /** A number added to, or strings added to a string set: commutative, so order does not matter. */
  add(attribute: string, value: number | Set<string>): this {
    this.adds.push(`${this.name(attribute)} ${this.value(attribute, value)}`);
    return this;
  }

  /** Strings taken out of a string set. */
  delete(attribute: string, value: Set<string>): this {
    this.deletes.push(`${this.name(attribute)} ${this.value(`${attribute}Removed`, value)}`);
    return this;
  }

  /** A placeholder for a value used in a condition. */
  value(key: string, value: Stored): string {
    const placeholder = `:${key}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  name(attribute: string): string {
    const placeholder = `#${attribute}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  spec(Key: Record<string, string>, ConditionExpression?: string): UpdateSpec {
    const UpdateExpression = [
      this.sets.length ? `SET ${this.sets.join(", ")}` : "",
      this.removes.length ? `REMOVE ${this.removes.join(", ")}` : "",
      this.adds.length ? `ADD ${this.adds.join(", ")}` : "",
      this.deletes.length ? `DELETE ${this.deletes.join(", ")}` : "",
    ].filter(Boolean).join(" ");
    return { Key, UpdateExpression, ConditionExpression, ExpressionAttributeNames: this.names, ExpressionAttributeValues: this.values };
  }
}
