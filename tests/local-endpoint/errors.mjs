// Errors the endpoint answers with. Handlers throw a ServiceError naming a modeled exception;
// the server turns it into the status, headers and body the model gives that exception.
// AuthError carries its own status because the auth failures are not in the service models.

export class ServiceError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

export class AuthError extends Error {
  constructor(status, name, message) {
    super(message);
    this.status = status;
    this.name = name;
  }
}

/** The modeled error name for constraint violations: ValidationException where the operation declares it. */
export function validationErrorName(operation) {
  return operation.errors.includes("ValidationException") ? "ValidationException" : "InvalidArgumentException";
}
