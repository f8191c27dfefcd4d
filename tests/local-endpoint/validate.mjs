// Input validation driven by the reduced model: required members, string lengths, numeric
// ranges, list and map sizes, patterns and enums. Messages follow the service's wording
// ("1 validation error detected: Value 'x' at 'streamName' failed to satisfy constraint: ...").

const patternCache = new Map();

// The service matches a pattern against the whole value (a stream name with a space is
// refused although `[a-zA-Z0-9_.-]+` occurs inside it), so patterns are anchored here.
function compiledPattern(pattern) {
  let regex = patternCache.get(pattern);
  if (!regex) {
    try {
      regex = new RegExp(`^(?:${pattern})$`, "u"); // `u` for \p{L} in tag patterns
    } catch {
      regex = new RegExp(`^(?:${pattern})$`);
    }
    patternCache.set(pattern, regex);
  }
  return regex;
}

function lowerFirst(name) {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

function describeValue(shape, value) {
  if (shape.sensitive) return "'***'";
  if (typeof value === "string") return `'${value}'`;
  return JSON.stringify(value);
}

function isPlainObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function checkValue(model, shapeName, value, path, problems) {
  const shape = model.shapes[shapeName];
  const fail = (constraint) =>
    problems.push(`Value ${describeValue(shape, value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  switch (shape.type) {
    case "structure": {
      if (!isPlainObject(value)) return fail("Member must be a structure");
      for (const required of shape.required ?? []) {
        if (value[required] === undefined || value[required] === null) {
          problems.push(
            `Value null at '${joinPath(path, lowerFirst(required))}' failed to satisfy constraint: Member must not be null`,
          );
        }
      }
      for (const [member, target] of Object.entries(shape.members)) {
        const item = value[member];
        if (item !== undefined && item !== null) {
          checkValue(model, target, item, joinPath(path, lowerFirst(member)), problems);
        }
      }
      return;
    }
    case "list": {
      if (!Array.isArray(value)) return fail("Member must be a list");
      checkSize(shape, value.length, fail);
      value.forEach((item, index) => {
        if (item === null || item === undefined) {
          problems.push(`Value null at '${path}.${index + 1}.member' failed to satisfy constraint: Member must not be null`);
        } else {
          checkValue(model, shape.member, item, `${path}.${index + 1}.member`, problems);
        }
      });
      return;
    }
    case "map": {
      if (!isPlainObject(value)) return fail("Member must be a map");
      const entries = Object.entries(value);
      checkSize(shape, entries.length, fail);
      for (const [key, item] of entries) {
        checkValue(model, shape.key, key, `${path}.key`, problems);
        if (item === null || item === undefined) {
          problems.push(`Value null at '${path}.${key}' failed to satisfy constraint: Member must not be null`);
        } else {
          checkValue(model, shape.value, item, `${path}.${key}`, problems);
        }
      }
      return;
    }
    case "string": {
      if (typeof value !== "string") return fail("Member must be a string");
      checkSize(shape, value.length, fail);
      if (shape.enum && !shape.enum.includes(value)) {
        fail(`Member must satisfy enum value set: [${shape.enum.join(", ")}]`);
      }
      if (shape.pattern && !compiledPattern(shape.pattern).test(value)) {
        fail(`Member must satisfy regular expression pattern: ${shape.pattern}`);
      }
      return;
    }
    case "integer":
    case "long": {
      if (!Number.isInteger(value)) return fail("Member must be an integer");
      if (shape.min !== undefined && value < shape.min) fail(`Member must have value greater than or equal to ${shape.min}`);
      if (shape.max !== undefined && value > shape.max) fail(`Member must have value less than or equal to ${shape.max}`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") fail("Member must be a boolean");
      return;
    case "timestamp":
      if (typeof value !== "number" && typeof value !== "string") fail("Member must be a timestamp");
      return;
    default:
      throw new Error(`validate: shape type ${shape.type} of ${shapeName} is not handled`);
  }
}

function checkSize(shape, size, fail) {
  if (shape.min !== undefined && size < shape.min) fail(`Member must have length greater than or equal to ${shape.min}`);
  if (shape.max !== undefined && size > shape.max) fail(`Member must have length less than or equal to ${shape.max}`);
}

function joinPath(path, member) {
  return path ? `${path}.${member}` : member;
}

/**
 * Validates an operation's input against its shape. Returns null when valid, otherwise the
 * service-style message listing every violation.
 */
export function validateInput(model, shapeName, input) {
  const problems = [];
  checkValue(model, shapeName, input, "", problems);
  if (problems.length === 0) return null;
  const count = problems.length === 1 ? "1 validation error" : `${problems.length} validation errors`;
  return `${count} detected: ${problems.join("; ")}`;
}
