/// The front end's own style sheet and script, served from this binary (no CDN, no
/// third-party code). The script only helps: every page works without it.
enum Assets {
    static let css = """
        :root { --ink: #1d2330; --muted: #5b6475; --line: #d8dce5; --accent: #1f5fbf; --warn: #a33a00; --bg: #f6f7f9; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, "Noto Sans KR", "Noto Sans", sans-serif; color: var(--ink); background: var(--bg); }
        header.top { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1rem; background: #fff; border-bottom: 1px solid var(--line); }
        header.top nav a { margin-right: .8rem; color: var(--ink); text-decoration: none; font-weight: 600; }
        header.top nav a[aria-current] { color: var(--accent); border-bottom: 2px solid var(--accent); }
        .badge { display: inline-block; min-width: 1.4em; padding: 0 .35em; border-radius: 1em; background: var(--warn); color: #fff; font-size: .8em; text-align: center; }
        #sync { font-size: .85rem; color: var(--muted); display: flex; gap: .6rem; flex-wrap: wrap; }
        .sync-state.online::before { content: "●"; color: #1a8f3c; margin-right: .25em; }
        .sync-state.offline::before { content: "●"; color: var(--warn); margin-right: .25em; }
        .sync-error { color: var(--warn); }
        .languages { margin-left: auto; }
        .languages a { margin-left: .4rem; color: var(--muted); }
        .languages a[aria-current] { color: var(--ink); font-weight: 700; }
        main { max-width: 72rem; margin: 0 auto; padding: 1rem; }
        form.filters { display: flex; flex-wrap: wrap; gap: .6rem; align-items: end; background: #fff; padding: .8rem; border: 1px solid var(--line); border-radius: 6px; }
        form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
        form.filters label.check { flex-direction: row; align-items: center; gap: .3rem; }
        input, select, textarea, button { font: inherit; }
        input[type=search] { min-width: 18rem; }
        button { padding: .35rem .8rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; }
        button.danger { background: #fff; color: var(--warn); border-color: var(--warn); }
        table { width: 100%; border-collapse: collapse; background: #fff; }
        th, td { text-align: left; padding: .45rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
        td.memo { color: var(--muted); max-width: 24rem; }
        .tag { display: inline-block; padding: 0 .4em; border: 1px solid var(--line); border-radius: 4px; font-size: .8em; color: var(--muted); }
        .status { padding: .05rem .45rem; border-radius: 1em; font-size: .85em; background: #e8ecf4; }
        .status.in_progress { background: #dcefff; } .status.completed { background: #dff5e3; } .status.dormant { background: #eee; } .status.archived { background: #f4e6dc; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 1rem 1.2rem; }
        .card section { border-top: 1px solid var(--line); margin-top: 1rem; padding-top: .6rem; }
        .actions { display: flex; gap: .5rem; flex-wrap: wrap; align-items: start; }
        dl { display: grid; grid-template-columns: 10rem 1fr; gap: .3rem .8rem; }
        dt { color: var(--muted); }
        .warning { color: var(--warn); }
        .memo-text { white-space: pre-wrap; margin: .2rem 0; }
        .meta { color: var(--muted); font-size: .85rem; }
        .counter { font-size: .8rem; color: var(--muted); }
        .counter.over { color: var(--warn); font-weight: 700; }
        form.inline { display: inline; }
        .sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
        .side { border: 1px solid var(--line); border-radius: 6px; padding: .6rem; background: #fff; white-space: pre-wrap; }
        .side.kept { border-color: #7fb08c; } .side.other { border-color: #d6a77f; }
        .typed { white-space: pre-wrap; background: #fff; border-left: 3px solid var(--warn); padding: .4rem .6rem; }
        .debt { color: var(--warn); font-weight: 700; }
        .empty { color: var(--muted); }
        """

    static let js = """
        "use strict";
        // Search as you type: the server renders the rows; this only asks it sooner.
        function bindSearch(root) {
          const field = root.querySelector("[data-live-search]");
          if (!field) return;
          const form = field.form;
          let timer = null, asked = 0;
          field.addEventListener("input", function () {
            clearTimeout(timer);
            timer = setTimeout(async function () {
              const params = new URLSearchParams(new FormData(form));
              const mine = ++asked;
              const reply = await fetch("/clients/rows?" + params.toString(), { credentials: "same-origin" });
              if (!reply.ok || mine !== asked) return;
              document.getElementById("results").innerHTML = await reply.text();
              history.replaceState(null, "", "/clients?" + params.toString());
            }, 150);
          });
        }
        // The memo counter counts characters as people (and the server) do.
        const segmenter = window.Intl && Intl.Segmenter ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;
        function count(text) { return segmenter ? Array.from(segmenter.segment(text)).length : Array.from(text).length; }
        function bindCounters(root) {
          for (const area of root.querySelectorAll("textarea[data-limit]")) {
            const output = area.parentElement.nextElementSibling;
            const limit = Number(area.dataset.limit);
            const update = function () {
              const used = count(area.value);
              output.textContent = area.dataset.counter.replace("{0}", used).replace("{1}", limit);
              output.classList.toggle("over", used > limit);
              area.setAttribute("aria-invalid", used > limit ? "true" : "false");
            };
            area.addEventListener("input", update);
            update();
          }
        }
        function bind(root) { bindSearch(root); bindCounters(root); }
        document.addEventListener("DOMContentLoaded", function () { bind(document); });
        // Live: when the replica changes (a pull, another program), refresh what is shown,
        // unless someone is typing or editing here.
        if (window.EventSource) {
          const events = new EventSource("/events");
          events.addEventListener("change", async function () {
            const reply = await fetch(location.href, { credentials: "same-origin" });
            if (!reply.ok) return;
            const page = new DOMParser().parseFromString(await reply.text(), "text/html");
            for (const id of ["sync"]) {
              const fresh = page.getElementById(id);
              if (fresh) document.getElementById(id).innerHTML = fresh.innerHTML;
            }
            const active = document.activeElement;
            const typing = active && active.closest && active.closest("form") && (active.value || "").length > 0;
            if (typing || document.querySelector("details[open] form")) return;
            const main = page.getElementById("main");
            if (!main) return;
            document.getElementById("main").innerHTML = main.innerHTML;
            bind(document.getElementById("main"));
            document.body.dataset.refreshed = String(Date.now());
          });
        }
        """
}
