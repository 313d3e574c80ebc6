import { expect } from "chai";
import { fromAttributes, nullMap, toAttributes } from "../../../handler/store/attributeValues";
import { storedValue } from "../../../handler/fields";

describe("the data model", () => {
  describe("attribute values", () => {
    it("round-trip maps whose keys are __proto__, constructor or toString", () => {
      const fields = nullMap<string | number>();
      fields["__proto__"] = "p";
      fields["constructor" as string] = 7;
      fields["toString" as string] = "t";
      const back = fromAttributes(toAttributes({ fields, ids: new Set(["a", "b"]), none: null }));
      expect(Object.keys(back.fields as object)).to.deep.equal(["__proto__", "constructor", "toString"]);
      expect(Object.hasOwn(back.fields as object, "__proto__")).to.equal(true);
      expect(back.ids).to.deep.equal(new Set(["a", "b"]));
    });

    it("keep a double DynamoDB cannot hold as its exact JSON text, and refuse one that slipped through", () => {
      expect([storedValue(1e300), storedValue(5e-324), storedValue(1e16), storedValue(-2.5)]).to.deep.equal(["1e+300", "5e-324", 1e16, -2.5]);
      expect(() => toAttributes({ n: 1e300 })).to.throw(/outside DynamoDB's range/);
    });
  });
});
