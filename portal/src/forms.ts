// What every form of the portal does the same way: a section titled by its h2,
// labelled fields (a code, the password again), and a submit that disables its
// button while the call runs and shows a failure in the form's alert (the API's
// feedback on a weak password as a list).
import { ApiError } from "./api";
import { type Child, h } from "./dom";
import { errorText } from "./errors";
import { t } from "./i18n";

export function field(
  id: string,
  label: string,
  attributes: Record<string, string | boolean>,
): [HTMLLabelElement, HTMLInputElement] {
  const input = h("input", { id, name: id, ...attributes });
  return [h("label", { for: id }, label), input];
}

// A part of a page, named by its own heading (a landmark for screen readers).
export function titled(id: string, title: string, ...children: Child[]): HTMLElement {
  return h("section", { "aria-labelledby": id }, h("h2", { id }, title), ...children);
}

// A one-time code, typed or filled in from a text message.
export function codeField(id: string, label: string): [HTMLLabelElement, HTMLInputElement] {
  return field(id, label, { inputmode: "numeric", autocomplete: "one-time-code", required: true });
}

// The user's password typed again before a change to their security.
export function passwordAgain(id: string): [HTMLElement, HTMLInputElement] {
  const [label, input] = field(id, t("security.password_again"), {
    type: "password",
    autocomplete: "current-password",
    required: true,
  });
  return [h("div", { class: "field" }, label, input), input];
}

// A status line: what was just done, focusable for when the form that did it
// is gone (the focus would otherwise fall to the page's start).
export function statusLine(): HTMLParagraphElement {
  return h("p", { role: "status", class: "status", tabindex: "-1" });
}

export function alertBox(): HTMLDivElement {
  return h("div", { role: "alert", class: "error" });
}

export function showError(alert: HTMLElement, err: unknown): void {
  alert.replaceChildren(h("p", {}, errorText(err)));
  if (err instanceof ApiError && err.error.feedback?.length) {
    // zxcvbn's feedback is English whatever the page's language.
    alert.append(h("ul", {}, ...err.error.feedback.map((line) => h("li", { lang: "en" }, line))));
  }
}

// The submit handler of a form whose `submit` button runs `action`.
export function submitting(
  submit: HTMLButtonElement,
  alert: HTMLElement,
  action: () => Promise<void>,
  failed?: (err: unknown) => void,
): (event: Event) => void {
  return (event) => {
    event.preventDefault();
    if (submit.disabled) return;
    submit.disabled = true;
    alert.replaceChildren();
    void action()
      .catch((err: unknown) => {
        showError(alert, err);
        failed?.(err);
      })
      .finally(() => {
        submit.disabled = false;
      });
  };
}

// A button whose action is asked about first, in the page: the button gives way
// to the question, a confirming button and Cancel (which brings it back).
export function confirming(
  label: string,
  question: string,
  confirmLabel: string,
  action: () => Promise<void>,
): HTMLElement {
  const alert = alertBox();
  const open = h("button", { type: "button", class: "secondary" }, label);
  const yes = h("button", { type: "submit", class: "danger" }, confirmLabel);
  const no = h("button", { type: "button", class: "secondary" }, t("common.cancel"));
  const close = (): void => {
    ask.hidden = true;
    open.hidden = false;
    open.focus();
  };
  const ask = h(
    "form",
    {
      class: "confirm",
      hidden: true,
      onsubmit: submitting(yes, alert, async () => {
        await action();
        // Done (the page says so in its status line): the question goes.
        if (ask.isConnected) close();
      }),
    },
    h("p", {}, question),
    yes,
    no,
  );
  open.addEventListener("click", () => {
    open.hidden = true;
    ask.hidden = false;
    yes.focus();
  });
  no.addEventListener("click", close);
  return h("div", { class: "confirming" }, open, ask, alert);
}
