import type { CaseEvent } from "./types";

/** Log keys for one event: identifiers only, never field values or comment text (personal data). */
export const eventKeys = (event: CaseEvent) => ({ eventId: event.eventId, caseId: event.caseId, eventType: event.eventType });
