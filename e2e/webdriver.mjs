// A small W3C WebDriver client over fetch: enough to drive the real Waybill
// window through tauri-driver (which forwards to WebKitWebDriver).

// The W3C WebDriver element reference key.
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

export class Session {
  constructor(base, id) {
    this.base = base;
    this.id = id;
  }

  static async create(base, application, args = []) {
    const value = await request(base, "POST", "/session", {
      capabilities: { alwaysMatch: { "tauri:options": { application, args } } },
    });
    return new Session(base, value.sessionId);
  }

  cmd(method, path, body) {
    return request(this.base, method, `/session/${this.id}${path}`, body);
  }

  async $$(css) {
    const found = await this.cmd("POST", "/elements", { using: "css selector", value: css });
    return found.map((e) => e[ELEMENT]);
  }

  /** Waits until `css` matches at least `count` elements; returns them. */
  async waitFor(css, { count = 1, timeout = 30_000 } = {}) {
    const until = Date.now() + timeout;
    for (;;) {
      // An element removed while WebKitWebDriver was building its handle (the
      // page changing under the lookup, as after a navigation) is "stale":
      // look again, as a person would.
      const found = await this.$$(css).catch((e) => {
        if (/stale element/i.test(e.message)) return [];
        throw e;
      });
      if (found.length >= count) return found;
      if (Date.now() > until) throw new Error(`timed out after ${timeout} ms waiting for ${count} × ${css}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Waits until `check()` returns a truthy value; returns it. */
  async until(what, check, timeout = 15_000) {
    const end = Date.now() + timeout;
    for (;;) {
      const value = await check();
      if (value) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /**
   * The text an element shows, as the page renders it (`innerText`: nothing
   * under `display: none`). Not WebDriver's "visible text", which in WebKit
   * drops a whole line that is cut with an ellipsis, although a person reads it.
   */
  text(element) {
    return this.run("return arguments[0].innerText.trim()", { [ELEMENT]: element });
  }

  /** The DOM text of every element matching `css` (WebKit's "visible text" skips clipped cells). */
  textContents(css) {
    return this.run("return [...document.querySelectorAll(arguments[0])].map((e) => e.textContent.trim())", css);
  }

  /** Clicks `element` after scrolling it to the middle of the view, as a person would look for it first. */
  async click(element) {
    await this.run("arguments[0].scrollIntoView({ block: 'center', inline: 'nearest' })", { [ELEMENT]: element });
    return this.cmd("POST", `/element/${element}/click`, {});
  }

  type(element, text) {
    return this.cmd("POST", `/element/${element}/value`, { text });
  }

  clear(element) {
    return this.cmd("POST", `/element/${element}/clear`, {});
  }

  run(script, ...args) {
    return this.cmd("POST", "/execute/sync", { script, args });
  }

  /** Sets the window's outer size (the window manager-less Xvfb honours it exactly). */
  setSize(width, height) {
    return this.cmd("POST", "/window/rect", { width, height });
  }

  /** Sends keys to the focused element (W3C "Perform Actions"); `\uE009` is Control. */
  async keys(...sequence) {
    const actions = [];
    for (const key of sequence) {
      const chord = Array.isArray(key) ? key : [key];
      for (const k of chord) actions.push({ type: "keyDown", value: k });
      for (const k of [...chord].reverse()) actions.push({ type: "keyUp", value: k });
    }
    await this.cmd("POST", "/actions", { actions: [{ type: "key", id: "keyboard", actions }] });
    await this.cmd("DELETE", "/actions");
  }

  /** The window's position and size on the screen. */
  rect() {
    return this.cmd("GET", "/window/rect");
  }

  close() {
    return request(this.base, "DELETE", `/session/${this.id}`);
  }
}

async function request(base, method, path, body) {
  const response = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await response.json().catch(() => ({}));
  if (!response.ok || json?.value?.error) {
    const v = json?.value ?? {};
    throw new Error(`${method} ${path}: ${v.error ?? response.status} ${v.message ?? ""}`);
  }
  return json.value;
}
