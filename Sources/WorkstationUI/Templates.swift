import Mustache

/// The pages' HTML, as Mustache templates compiled into the binary (a workstation runs
/// one file, with nothing to install beside it). `{{…}}` escapes everything it prints;
/// `{{{content}}}` takes only HTML these templates rendered.
enum Templates {
    static let library: MustacheLibrary = {
        var library = MustacheLibrary()
        for (name, text) in [("layout", layout), ("sync", sync), ("clients", clients), ("rows", rows), ("card", card),
                             ("schedule", schedule), ("conflicts", conflicts), ("rejected", rejected), ("tasks", tasks), ("error", error)] {
            do { try library.register(text, named: name) } catch { fatalError("template \(name): \(error)") }
        }
        return library
    }()

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="csrf-token" content="{{csrf}}">
        <title>{{title}} · {{t.app_title}}</title>
        <link rel="stylesheet" href="/static/app.css">
        <script src="/static/app.js" defer></script>
        </head>
        <body data-page="{{page}}">
        <header class="top">
          <nav aria-label="{{t.app_title}}">
            <a href="/clients" {{#nav.clients}}aria-current="page"{{/nav.clients}}>{{t.nav_clients}}</a>
            <a href="/tasks" {{#nav.tasks}}aria-current="page"{{/nav.tasks}}>{{t.nav_tasks}}{{#counts.tasks}} <span class="badge">{{counts.tasks}}</span>{{/counts.tasks}}</a>
            <a href="/conflicts" {{#nav.conflicts}}aria-current="page"{{/nav.conflicts}}>{{t.nav_conflicts}}{{#counts.conflicts}} <span class="badge">{{counts.conflicts}}</span>{{/counts.conflicts}}</a>
            <a href="/rejected" {{#nav.rejected}}aria-current="page"{{/nav.rejected}}>{{t.nav_rejected}}{{#counts.rejected}} <span class="badge">{{counts.rejected}}</span>{{/counts.rejected}}</a>
          </nav>
          <div id="sync" role="status" aria-live="polite">{{> sync}}</div>
          <div class="languages" aria-label="{{t.nav_language}}">{{#languages}}<a href="?lang={{code}}" lang="{{code}}" {{#current}}aria-current="true"{{/current}}>{{name}}</a> {{/languages}}</div>
        </header>
        <main id="main">{{{content}}}</main>
        </body>
        </html>
        """

    static let sync = """
        <span class="sync-state {{sync.state}}">{{sync.headline}}</span>
        {{#sync.progress}}<span class="sync-progress"><progress value="{{done}}" max="{{total}}"></progress> {{text}}</span>{{/sync.progress}}
        {{#sync.pending}}<span class="sync-pending">{{sync.pending}}</span>{{/sync.pending}}
        <span class="sync-last">{{sync.last}}</span>
        {{#sync.error}}<span class="sync-error">{{sync.error}}</span>{{/sync.error}}
        {{#sync.purge}}<span class="sync-error">{{sync.purge}}</span>{{/sync.purge}}
        """

    static let clients = """
        <h1>{{t.nav_clients}}</h1>
        <form class="filters" method="get" action="/clients" role="search">
          <label>{{t.list_search}} <input type="search" name="q" value="{{query.q}}" autocomplete="off" data-live-search></label>
          <label>{{t.list_status}} <select name="status">{{#statuses}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/statuses}}</select></label>
          <label>{{t.list_tag}} <select name="tag">{{#tags}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/tags}}</select></label>
          <label>{{t.list_assignee}} <select name="assignee">{{#assignees}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/assignees}}</select></label>
          <label>{{t.card_branch}} <select name="branch">{{#branches}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/branches}}</select></label>
          <label>{{t.list_sort}} <select name="sort">{{#sorts}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/sorts}}</select></label>
          <label>{{t.list_pageSize}} <select name="size">{{#sizes}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/sizes}}</select></label>
          <label class="check"><input type="checkbox" name="archived" value="1" {{#query.archived}}checked{{/query.archived}}> {{t.list_archived}}</label>
          <button type="submit">{{t.list_apply}}</button>
        </form>
        <div id="results">{{> rows}}</div>
        <details class="add-client">
          <summary>{{t.list_add}}</summary>
          <form method="post" action="/clients">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.list_newName}} <input name="name" required maxlength="200"></label>
            <label>{{t.list_newPhone}} <input name="phone" type="tel"></label>
            <button type="submit">{{t.common_save}}</button>
          </form>
        </details>
        """

    static let rows = """
        <p class="count">{{count}}</p>{{#broad}}<p class="hint">{{broad}}</p>{{/broad}}
        {{#empty}}<p class="empty">{{t.list_empty}}</p>{{/empty}}
        {{^empty}}
        <table class="clients">
          <thead><tr><th scope="col">{{t.list_name}}</th><th scope="col">{{t.list_status}}</th><th scope="col">{{t.list_phone}}</th><th scope="col">{{t.list_assignee}}</th><th scope="col">{{t.list_memo}}</th></tr></thead>
          <tbody>
          {{#rows}}<tr><td><a href="/clients/{{id}}">{{name}}</a>{{#tags}} <span class="tag">{{.}}</span>{{/tags}}</td><td><span class="status {{status}}">{{statusLabel}}</span></td><td>{{phone}}</td><td>{{assignee}}</td><td class="memo">{{memo}}</td></tr>
          {{/rows}}
          </tbody>
        </table>
        {{/empty}}
        <nav class="pages">{{#previous}}<a href="{{previous}}" rel="prev">{{t.list_previous}}</a>{{/previous}} {{#next}}<a href="{{next}}" rel="next">{{t.list_next}}</a>{{/next}}</nav>
        """

    static let card = """
        <article class="card" data-client="{{client.id}}">
        <header class="card-head">
          <h1>{{client.name}}</h1>
          <p><span class="status {{client.status}}">{{client.statusLabel}}</span> {{#client.archiveReason}}<span>{{client.archiveReason}}</span>{{/client.archiveReason}}</p>
          <div class="actions">
            {{#actions.dormant}}<form method="post" action="/clients/{{client.id}}/dormant"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.card_dormant}}</button></form>{{/actions.dormant}}
            {{#actions.wake}}<form method="post" action="/clients/{{client.id}}/wake"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.card_wake}}</button></form>{{/actions.wake}}
            {{#actions.unarchive}}<form method="post" action="/clients/{{client.id}}/unarchive"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.card_unarchive}}</button></form>{{/actions.unarchive}}
            {{#actions.archive}}<details><summary>{{t.card_archive}}</summary><form method="post" action="/clients/{{client.id}}/archive"><input type="hidden" name="csrf" value="{{csrf}}"><label>{{t.card_archiveReason}} <input name="reason" required maxlength="500"></label><button>{{t.card_archive}}</button></form></details>{{/actions.archive}}
            <details><summary>{{t.card_delete}}</summary><form method="post" action="/clients/{{client.id}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><p class="warning">{{deleteConfirm}}</p><button class="danger">{{t.card_deleteYes}}</button></form></details>
          </div>
        </header>
        <section class="profile">
          <dl>
            <dt>{{t.card_phones}}</dt><dd>{{#client.phones}}<span>{{value}}{{#primary}} <em>({{t.card_primary}})</em>{{/primary}}</span> {{/client.phones}}</dd>
            <dt>{{t.card_emails}}</dt><dd>{{#client.emails}}<span>{{value}}{{#primary}} <em>({{t.card_primary}})</em>{{/primary}}</span> {{/client.emails}}</dd>
            {{#client.born}}<dt>{{t.card_born}}</dt><dd>{{client.born}}</dd>{{/client.born}}
            <dt>{{t.card_branch}}</dt><dd>{{client.branch}}</dd>
            <dt>{{t.card_tags}}</dt><dd>{{#client.tags}}<span class="tag">{{.}}</span> {{/client.tags}}</dd>
            {{#client.fields}}<dt>{{label}}</dt><dd>{{value}}</dd>{{/client.fields}}
            <dt>{{t.card_assignee}}</dt><dd>{{client.assignee}}</dd>
          </dl>
          <details class="assign"><summary>{{t.card_assign}}</summary>
            <form method="post" action="/clients/{{client.id}}/assign">
              <input type="hidden" name="csrf" value="{{csrf}}">
              <p class="warning" role="alert">{{t.card_assignWarning}}</p>
              <label>{{t.card_assignTo}} <select name="to">{{#staff}}<option value="{{value}}" {{#selected}}selected{{/selected}}>{{label}}</option>{{/staff}}</select></label>
              <button>{{t.card_assignYes}}</button>
            </form>
          </details>
        </section>
        <section class="memos"><h2>{{t.memo_title}}</h2>
          <form method="post" action="/clients/{{client.id}}/memos" class="memo-form">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.memo_text}} <textarea name="text" required rows="3" data-limit="{{memoLimit}}" data-counter="{{counterTemplate}}"></textarea></label>
            <output class="counter" aria-live="polite"></output>
            <label>{{t.memo_type}} <select name="type"><option value="">{{t.memo_type_none}}</option><option value="meeting">{{t.memo_type_meeting}}</option><option value="call">{{t.memo_type_call}}</option></select></label>
            <button>{{t.memo_add}}</button>
          </form>
          {{^memos}}<p class="empty">{{t.memo_none}}</p>{{/memos}}
          <ul>{{#memos}}<li id="memo-{{id}}"><p class="memo-text">{{text}}</p><p class="meta">{{kind}} · {{meta}}</p>
            <details><summary>{{t.memo_edit}}</summary><form method="post" action="/memos/{{id}}/edit"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="client" value="{{client}}"><label>{{t.memo_text}} <textarea name="text" required rows="3" data-limit="{{limit}}" data-counter="{{counterTemplate}}">{{text}}</textarea></label><output class="counter" aria-live="polite"></output><button>{{t.memo_save}}</button></form></details>
            <form method="post" action="/memos/{{id}}/delete"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="client" value="{{client}}"><button class="danger">{{t.memo_delete}}</button></form></li>{{/memos}}</ul>
          {{#moreMemos}}<p class="more">{{shown}} · <a href="{{link}}">{{t.card_more}}</a></p>{{/moreMemos}}
        </section>
        <section class="schedules"><h2>{{t.schedule_title}}</h2>
          <form method="post" action="/clients/{{client.id}}/schedules" class="book">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <label>{{t.schedule_start}} <input type="datetime-local" name="start" required></label>
            <label>{{t.schedule_end}} <input type="datetime-local" name="end" required></label>
            <button>{{t.schedule_book}}</button>
          </form>
          <h3>{{t.schedule_upcoming}}</h3>
          {{^upcoming}}<p class="empty">{{t.schedule_none}}</p>{{/upcoming}}
          <ul>{{#upcoming}}<li>{{> schedule}}</li>{{/upcoming}}</ul>
          {{#moreUpcoming}}<p class="more">{{shown}} · <a href="{{link}}">{{t.card_more}}</a></p>{{/moreUpcoming}}
          <h3>{{t.schedule_past}}</h3>
          <ul>{{#past}}<li>{{> schedule}}</li>{{/past}}</ul>
          {{#morePast}}<p class="more">{{shown}} · <a href="{{link}}">{{t.card_more}}</a></p>{{/morePast}}
        </section>
        <section class="tasks"><h2>{{t.tasks_title}}</h2>{{^tasks}}<p class="empty">{{t.tasks_none}}</p>{{/tasks}}<ul>{{#tasks}}<li>{{title}}{{#due}} · {{due}}{{/due}}</li>{{/tasks}}</ul></section>
        <section class="money"><h2>{{t.money_title}}</h2><p class="{{#debt}}debt{{/debt}}">{{balance}}</p>
          {{^ledger}}<p class="empty">{{t.money_none}}</p>{{/ledger}}
          <table>{{#ledger}}<tr><td>{{when}}</td><td>{{kind}}</td><td class="amount">{{amount}}</td><td>{{note}}</td></tr>{{/ledger}}</table>
          {{#moreLedger}}<p class="more">{{shown}} · <a href="{{link}}">{{t.card_more}}</a></p>{{/moreLedger}}
        </section>
        <p class="meta">{{created}}</p>
        </article>
        """

    static let schedule = """
        <span class="when">{{when}}</span> <span class="state {{state}}">{{stateLabel}}</span>{{#withStaff}} · {{t.schedule_staff}} {{withStaff}}{{/withStaff}}{{#inRoom}} · {{t.schedule_room}} {{inRoom}}{{/inRoom}}
        {{#canComplete}}<form method="post" action="/schedules/{{id}}/done" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="client" value="{{client}}"><button>{{t.schedule_done}}</button></form>{{/canComplete}}
        {{#journal}}<blockquote class="journal"><strong>{{t.schedule_journal}}:</strong> {{journal}}</blockquote>{{/journal}}
        <details class="journal-form"><summary>{{t.journal_write}}</summary><form method="post" action="/schedules/{{id}}/journal"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="client" value="{{client}}"><label>{{t.schedule_journal}} <textarea name="text" required rows="3">{{journal}}</textarea></label><button>{{t.journal_save}}</button></form></details>
        """

    static let conflicts = """
        <h1>{{t.conflicts_title}}</h1>
        {{^conflicts}}<p class="empty">{{t.conflicts_none}}</p>{{/conflicts}}
        {{#conflicts}}<section class="conflict" id="conflict-{{id}}">
          <h2>{{kind}}</h2><p class="meta">{{about}} · {{when}}</p>
          <div class="sides"><div class="side kept"><h3>{{keptTitle}}</h3><p>{{kept}}</p><p class="meta">{{keptBy}}</p></div>
          <div class="side other"><h3>{{otherTitle}}</h3><p>{{other}}</p><p class="meta">{{otherBy}}</p></div></div>
          <form method="post" action="/conflicts/{{id}}/resolve" class="inline">
            <input type="hidden" name="csrf" value="{{csrf}}">
            <button name="keep" value="current">{{t.conflicts_keepCurrent}}</button>
            {{#oneField}}<button name="keep" value="other">{{t.conflicts_keepOther}}</button>{{/oneField}}
          </form>
        </section>{{/conflicts}}
        """

    static let rejected = """
        <h1>{{t.rejected_title}}</h1>
        {{^rejected}}<p class="empty">{{t.rejected_none}}</p>{{/rejected}}
        <ul>{{#rejected}}<li><p><strong>{{reason}}</strong> {{about}}</p>{{#typed}}<p class="typed">{{typed}}</p>{{/typed}}<p class="meta">{{when}}</p></li>{{/rejected}}</ul>
        """

    static let tasks = """
        <h1>{{t.tasks_title}}</h1>
        {{#groups}}<h2>{{title}}</h2>{{^tasks}}<p class="empty">{{t.tasks_none}}</p>{{/tasks}}
        <ul>{{#tasks}}<li><span>{{title}}</span>{{#client}} · <a href="/clients/{{clientId}}">{{client}}</a>{{/client}}{{#due}} · {{due}}{{/due}}
          <form method="post" action="/tasks/{{id}}/done" class="inline"><input type="hidden" name="csrf" value="{{csrf}}"><button>{{t.tasks_done}}</button></form></li>{{/tasks}}</ul>{{/groups}}
        """

    static let error = """
        <h1>{{t.error_title}}</h1><p class="error" role="alert">{{message}}</p><p><a href="{{back}}">{{t.error_back}}</a></p>
        """
}
