// Counts the D1 statements a page prepares, so every page can report its query budget in a
// `Server-Timing` header (tests and the list-page measurement read it).

export interface CountingD1 {
  d1: D1Database;
  count: () => number;
}

export function countingD1(target: D1Database): CountingD1 {
  let statements = 0;
  const d1 = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== "function") return value;
      if (property === "prepare") {
        return (query: string) => {
          statements++;
          return object.prepare(query);
        };
      }
      if (property === "exec") {
        return (query: string) => {
          statements++;
          return object.exec(query);
        };
      }
      return value.bind(object);
    },
  });
  return { d1, count: () => statements };
}
