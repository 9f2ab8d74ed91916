// A small element builder: the app builds its pages with it, so nothing is ever
// parsed from a string (no HTML injection) and no handler is inline (the CSP).

export type Child = Node | string | null | undefined | false;
type Attribute = string | boolean | undefined | ((event: Event) => void);

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, Attribute> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (typeof value === "function") {
      element.addEventListener(name.replace(/^on/, ""), value);
    } else if (value === true) {
      element.setAttribute(name, "");
    } else if (typeof value === "string") {
      element.setAttribute(name, value);
    }
  }
  element.append(...children.filter((child): child is Node | string => !!child));
  return element;
}
