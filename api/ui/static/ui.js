// Keyboard shortcuts and small conveniences; every page also works without JavaScript.
(function () {
  "use strict";
  const typing = (el) => el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  const rows = () => Array.from(document.querySelectorAll("table.rows tbody tr[data-href]"));
  let selected = -1;
  let pendingG = false;

  function select(i) {
    const all = rows();
    if (!all.length) return;
    selected = Math.max(0, Math.min(all.length - 1, i));
    all.forEach((r, j) => r.classList.toggle("selected", j === selected));
    all[selected].scrollIntoView({ block: "nearest" });
  }

  function press(key) {
    const button = document.querySelector(`[data-key="${key}"]`);
    if (button) button.click();
  }

  // Empty filter inputs would be sent as "field=" and rejected; leave them out instead.
  document.querySelectorAll("form[data-drop-empty]").forEach((form) => {
    form.addEventListener("submit", () => {
      form.querySelectorAll("input, select").forEach((el) => { if (el.value === "") el.disabled = true; });
    });
  });

  document.addEventListener("keydown", (ev) => {
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(document.activeElement)) return;
    if (pendingG) {
      pendingG = false;
      if (ev.key === "q") { location.href = "/ui/queue"; return; }
      if (ev.key === "r") { location.href = "/ui/referrals"; return; }
    }
    switch (ev.key) {
      case "j": select(selected + 1); break;
      case "k": select(selected - 1); break;
      case "o": case "Enter": {
        const all = rows();
        if (selected >= 0 && all[selected]) location.href = all[selected].dataset.href;
        else return;
        break;
      }
      case "x": case "c": case "e": case "d": press(ev.key); break;
      case "n": { const note = document.getElementById("note"); if (note) note.focus(); break; }
      case "g": pendingG = true; break;
      case "?": { const help = document.getElementById("help"); if (help && help.showModal) help.showModal(); break; }
      default: return;
    }
    ev.preventDefault();
  });
})();
