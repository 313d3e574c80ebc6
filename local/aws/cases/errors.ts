/**
 * Cases errors as REST-JSON sends them: the HTTP status the service model gives each error and its
 * name in `x-amzn-errortype`, which is what the SDK maps to its exception classes.
 */
export type CasesErrorType =
  | "AccessDeniedException"
  | "InternalServerException"
  | "ResourceNotFoundException"
  | "ThrottlingException"
  | "ValidationException";

/** Statuses from the SDK's error schemas (`[_hE]` in client-connectcases' dist-cjs). */
const STATUS: Record<CasesErrorType, number> = {
  AccessDeniedException: 403,
  InternalServerException: 500,
  ResourceNotFoundException: 404,
  ThrottlingException: 429,
  ValidationException: 400,
};

export class CasesApiError extends Error {
  readonly status: number;

  constructor(readonly type: CasesErrorType, message: string, readonly extra: Record<string, string> = {}) {
    super(message);
    this.status = STATUS[type];
  }

  /** The body members the SDK reads (`message`, and `resourceId`/`resourceType` for not-found). */
  body(): Record<string, string> {
    return { message: this.message, ...this.extra };
  }
}

export const validation = (message: string) => new CasesApiError("ValidationException", message);

export const notFound = (resourceType: string, resourceId: string) =>
  new CasesApiError("ResourceNotFoundException", `${resourceType} ${resourceId} not found`, { resourceId, resourceType });
