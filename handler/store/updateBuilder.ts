import { nullMap, type Stored } from "./attributeValues";

/** A DynamoDB update, expressed with placeholders only (reserved words such as `status` bite). */
export interface UpdateSpec {
  Key: Record<string, string>;
  UpdateExpression: string;
  ConditionExpression?: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, Stored>;
}

/** Collects SET and REMOVE clauses with a placeholder per attribute. */
export class UpdateBuilder {
  private readonly sets: string[] = [];
  private readonly removes: string[] = [];
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
    ].filter(Boolean).join(" ");
    return { Key, UpdateExpression, ConditionExpression, ExpressionAttributeNames: this.names, ExpressionAttributeValues: this.values };
  }
}
