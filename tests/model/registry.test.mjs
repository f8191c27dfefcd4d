// Each service of the registry (model/services.json) has, in model/, every operation of botocore's
// model of it, and nothing else: tests count operations from these models, so they must be whole.
import assert from "node:assert/strict";
import { test } from "node:test";
import { botocoreModel, projectModel, SERVICES } from "../support/models.mjs";

for (const service of SERVICES) {
  test(`${service.id}: model/${service.model} has botocore's ${service.botocore} operations`, () => {
    const reference = botocoreModel(service.id);
    const ours = projectModel(service.id);
    assert.deepEqual(Object.keys(ours.operations).toSorted(), Object.keys(reference.operations).toSorted());
    assert.equal(ours.metadata.apiVersion, reference.metadata.apiVersion);
    assert.equal(service.botocore.split("/")[1], reference.metadata.apiVersion);
  });
}
