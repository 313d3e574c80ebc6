import type { DomainSeed } from "../aws/cases/casesStandIn";

/**
 * The Cases domain the sample events and the generated workload belong to: its templates and
 * custom fields, with their names. The local Cases stand-in serves it, so lake rows carry names
 * as they would from a real domain.
 */
export const SAMPLE_ACCOUNT = "111122223333";
/** The domain of the sample events in events/: the local stack is configured for it. */
export const SAMPLE_DOMAIN_ID = "3f5c1a2e-8b4d-4e6f-9a1b-2c3d4e5f6a7b";
export const SAMPLE_INSTANCE_ARN = `arn:aws:connect:us-east-1:${SAMPLE_ACCOUNT}:instance/9b2e4c6a-1d3f-4a5b-8c7d-0e1f2a3b4c5d`;
/** The IAM role the agents' changes are made with. */
export const SAMPLE_AGENT_ROLE = `arn:aws:iam::${SAMPLE_ACCOUNT}:role/ConnectAgentWorkspace`;
/** The agents of the generated workload and of the existing cases, so the report's agents add up across both. */
export const SAMPLE_AGENTS = Array.from({ length: 8 }, (_, i) => `${SAMPLE_INSTANCE_ARN}/user/a1b2c3d4-0000-4000-8000-00000000010${i}`);
/** Values the generated cases take. */
export const SAMPLE_REASONS = ["Shipment lost", "Damaged item", "Refund request", "Billing question", "Account access"];
export const SAMPLE_TITLES = ["Parcel not delivered", "Box arrived crushed", "Charged twice", "Cannot log in", "Wrong size sent", "Refund not received"];
export const SAMPLE_PRIORITIES = ["low", "normal", "high", "urgent"];

export const SAMPLE_TEMPLATES = [
  { templateId: "7c1e2d3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", name: "Delivery issue" },
  { templateId: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", name: "Billing" },
] as const;

export const SAMPLE_CUSTOM_FIELDS = [
  { id: "priority-4c1d", name: "Priority", type: "SingleSelect" },
  { id: "refund-amount-9e2a", name: "Refund amount", type: "Number" },
  { id: "vip-7f3b", name: "VIP customer", type: "Boolean" },
] as const;

/**
 * Text fields heavy cases also fill (the benchmark's heavy workload), with a B2B desk's lengths:
 * ten custom fields in all with the sample's three.
 */
export const HEAVY_TEXT_FIELDS = ([
  ["account-name-1a2b", 30], ["order-number-3c4d", 12], ["shipping-address-5e6f", 60], ["product-7a8b", 30],
  ["channel-9c0d", 8], ["customer-notes-1e2f", 150], ["resolution-notes-3a4b", 100],
] as const).map(([id, length]) => ({ id, name: id.replace(/-[0-9a-f]{4}$/, "").replace(/-/g, " "), type: "Text" as const, length }));

export const sampleDomainSeed = (domainId: string): DomainSeed => ({
  domainId,
  name: "acme-support",
  customFields: [...SAMPLE_CUSTOM_FIELDS, ...HEAVY_TEXT_FIELDS].map(({ id, name, type }) => ({ id, name, type })),
  templates: SAMPLE_TEMPLATES.map((template) => ({ ...template })),
});
