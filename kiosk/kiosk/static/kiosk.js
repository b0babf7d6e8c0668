// The page only shows what the server pushes and posts what the person did.
(() => {
  const screen = document.getElementById("screen");
  const bar = document.getElementById("bar");
  const keypad = document.getElementById("keypad");
  const keypadValue = document.getElementById("keypad-value");
  let lang = document.documentElement.lang || "ja";
  let buffer = "";
  let lastKey = 0;

  const post = (url, body) => fetch(url, {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body || {}),
  });

  const relabel = () => document.querySelectorAll("[data-ja]").forEach((el) => {
    el.textContent = el.dataset[lang];
  });

  window.kioskStream((update) => {
    bar.innerHTML = update.header;
    screen.innerHTML = update.html;
    screen.dataset.screen = update.screen;
    lang = update.lang;
    document.documentElement.lang = lang;
    relabel();
    if (update.screen !== "greeted" && update.screen !== "idle") closeKeypad();
  });

  // The USB scanner is a keyboard: it types the label's text fast and ends with Enter.
  document.addEventListener("keydown", (e) => {
    if (!keypad.hidden) return;
    const now = Date.now();
    if (now - lastKey > 1000) buffer = "";
    lastKey = now;
    if (e.key === "Enter") {
      if (buffer.trim()) post("/scan", {text: buffer});
      buffer = "";
      e.preventDefault();
    } else if (e.key.length === 1) {
      buffer += e.key;
      e.preventDefault();
    }
  });

  const openKeypad = () => { keypadValue.textContent = ""; keypad.hidden = false; };
  const closeKeypad = () => { keypad.hidden = true; };

  document.addEventListener("click", (e) => {
    const el = e.target.closest("button");
    if (!el) return;
    if (el.dataset.post) post(el.dataset.post, el.dataset.action ? {action: el.dataset.action} : {});
    if (el.dataset.lang) post(`/lang/${el.dataset.lang}`);
    if (el.dataset.demo) post(`/demo/tap/${el.dataset.demo}`);
    if (el.dataset.keypad === "open") openKeypad();
    if (el.dataset.keypad === "close") closeKeypad();
    if (el.dataset.keypad === "ok" && keypadValue.textContent) {
      post("/scan", {text: keypadValue.textContent});
      closeKeypad();
    }
    if (el.dataset.key) {
      const v = keypadValue.textContent;
      keypadValue.textContent = el.dataset.key === "back" ? v.slice(0, -1) : (v + el.dataset.key).slice(0, 32);
    }
  });
  relabel();
})();
