import { parseFault } from "../../provider/src/cinder/faults";

describe("Cinder fault bodies", () => {
  test("the single wrapper key is the fault name and its message is kept", () => {
    expect(parseFault({ itemNotFound: { message: "Attachment x could not be found.", code: 404 } })).toEqual({
      name: "itemNotFound",
      message: "Attachment x could not be found.",
    });
  });

  test("a wrapper without a message still names the fault", () => {
    expect(parseFault({ computeFault: { code: 500 } })).toEqual({ name: "computeFault" });
  });

  test("HTML from a proxy becomes one short line of text", () => {
    const fault = parseFault(`<html><body><h1>502 Bad Gateway</h1>\n<p>${"x".repeat(2000)}</p></body></html>`);
    expect(fault.message).toMatch(/^502 Bad Gateway x+$/);
    expect(fault.message?.length).toBeLessThanOrEqual(500);
  });

  test.each([null, undefined, 42, [], { a: 1, b: 2 }, ""])("%p yields no fault", (body) => {
    expect(parseFault(body)).toEqual({});
  });
});
