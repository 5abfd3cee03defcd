// Alerts: what fires now (/api/v1/alerts current), what changed in the range (history), silences (create,
// expire), the rules (view; create, edit, enable/disable and delete with an admin token) and the channels
// that deliver them (view and test send: channels and their secrets are configured in the server's environment).
import { ApiError, deleteJson, getJson, postJson, putJson } from '../api.js';
import { el, section, stateBox, table } from '../dom.js';
import { ago, dateTime, duration, rate } from '../format.js';
import { linkTo, resolveRange } from '../route.js';

const STATUS = ['firing', 'pending', 'resolved'];
/** What "New rule" starts from: a complete, valid rule to adjust. */
const NEW_RULE = {
  id: 'my-service-heap', name: 'my-service heap leak', enabled: true, matchers: ['service=my-service'],
  signals: ['heap'], condition: { verdicts: ['leak'], minConfidence: 80, timeToExhaustionBelow: '24h' },
  for: '10m', severity: 'critical', channels: [], repeatInterval: '4h', resolveDelay: '15m',
};
const cls = (prefix, v) => prefix + String(v || '').replace(/[^a-z_]/g, '');

function failure(what, e) {
  return stateBox('error', 'Could not ' + what + ': ' + e.message);
}

/** A 503 means the server runs without alerting; say that rather than show an error. */
function unavailable(e) {
  return e instanceof ApiError && (e.status === 503 || e.endpointMissing);
}

export function mountAlerts(root, state) {
  const current = el('div', { class: 'panel', id: 'alerts-current' }, stateBox('loading', 'Loading alerts…'));
  const history = el('div', { class: 'panel', id: 'alerts-history' }, stateBox('loading', 'Loading history…'));
  const silences = el('div', { class: 'panel', id: 'silences' }, stateBox('loading', 'Loading silences…'));
  const rules = el('div', { class: 'panel', id: 'rules' }, stateBox('loading', 'Loading rules…'));
  const channels = el('div', { class: 'panel', id: 'channels' }, stateBox('loading', 'Loading channels…'));
  const formStatus = el('p', { id: 'silence-status', role: 'status', class: 'hint' });
  const ruleStatus = el('p', { id: 'rule-status', role: 'status', class: 'hint' });
  const ruleTitle = el('h3', { id: 'rule-editor-title' }, 'New rule');
  const ruleText = el('textarea', { id: 'rule-text', rows: 16, cols: 70, maxlength: 60000, spellcheck: 'false',
    'aria-describedby': 'rule-help' });
  const ruleCancel = el('button', { type: 'button', id: 'rule-cancel' }, 'Cancel');
  const ruleForm = el('form', { id: 'rule-form', class: 'panel rule-form', 'aria-labelledby': 'rule-editor-title', hidden: true },
    ruleTitle,
    el('p', { id: 'rule-help', class: 'hint' }, 'The rule in the rule file\'s shape (JSON): id, name, enabled, matchers, ',
      'signals (or signal: any), condition {verdicts, minConfidence, timeToExhaustionBelow}, for, severity, channels, ',
      'repeatInterval, resolveDelay. The server checks it and names the field it rejects.'),
    el('label', { for: 'rule-text', class: 'visually-hidden' }, 'Rule definition (JSON)'), ruleText,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Save rule'), ruleCancel));
  const newRule = el('button', { type: 'button', id: 'rule-new' }, 'New rule');
  let editing = null;
  newRule.addEventListener('click', () => openEditor(null));
  ruleCancel.addEventListener('click', () => { ruleForm.hidden = true; ruleStatus.textContent = ''; });
  ruleForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    let body;
    try {
      body = JSON.parse(ruleText.value);
    } catch (e) {
      ruleStatus.textContent = 'Not valid JSON: ' + e.message;
      return;
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      ruleStatus.textContent = 'The rule must be one JSON object.';
      return;
    }
    ruleStatus.textContent = 'Saving…';
    try {
      if (editing) await putJson('/api/v1/rules/' + encodeURIComponent(editing), body);
      else await postJson('/api/v1/rules', body);
      ruleStatus.textContent = 'Rule ' + (body.id || editing) + ' saved.';
      ruleForm.hidden = true;
      await loadRules();
    } catch (e) {
      ruleStatus.textContent = 'Could not save the rule: ' + e.message;
    }
  });

  const matchers = el('input', { id: 'silence-matchers', required: true, maxlength: 2000, size: 40,
    placeholder: 'service=checkout, signal=heap' });
  const durationInput = el('input', { id: 'silence-duration', required: true, maxlength: 20, value: '2h', size: 8,
    pattern: '[0-9]+[smhd]([0-9]+[smhd])*' });
  const comment = el('input', { id: 'silence-comment', maxlength: 1000, size: 40, placeholder: 'Why (e.g. deploy of the fix in progress)' });
  const form = el('form', { id: 'silence-form', class: 'form-grid', 'aria-label': 'New silence' },
    el('label', { for: 'silence-matchers' }, 'Matchers'), matchers,
    el('label', { for: 'silence-duration' }, 'Duration'), durationInput,
    el('label', { for: 'silence-comment' }, 'Comment'), comment,
    el('div', { class: 'actions' }, el('button', { type: 'submit' }, 'Create silence'), formStatus));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const list = matchers.value.split(',').map((m) => m.trim()).filter(Boolean);
    if (list.length === 0) { formStatus.textContent = 'Give at least one matcher, e.g. service=checkout.'; return; }
    formStatus.textContent = 'Creating…';
    const body = { matchers: list, duration: durationInput.value.trim() };
    if (comment.value.trim()) body.comment = comment.value.trim();
    try {
      await postJson('/api/v1/silences', body);
      formStatus.textContent = 'Silence created.';
      matchers.value = '';
      comment.value = '';
      await loadSilences();
    } catch (e) {
      formStatus.textContent = 'Could not create the silence: ' + e.message;
    }
  });

  root.replaceChildren(
    el('h1', { tabindex: '-1' }, 'Alerts'),
    section('Now', 'alerts-now-title', el('p', { class: 'hint' }, 'Alert groups that are firing, pending or recently resolved.'), current),
    section('History in this range', 'alerts-history-title', history),
    section('Silences', 'silences-title', el('p', { class: 'hint' },
      'Matchers are label=value (also !=, =~regex, !~regex) on service, version, environment, instance, signal, rule or severity; all must match.'),
      el('div', { class: 'panel' }, form), silences),
    section('Rules', 'rules-title', el('p', { class: 'hint' },
      'Creating, editing, enabling and deleting rules needs an admin token; a read-only token can view them.'),
      el('div', { class: 'toolbar' }, newRule, ruleStatus), ruleForm, rules),
    section('Channels and deliveries', 'channels-title', el('p', { class: 'hint', id: 'channels-note' },
      'Channels are configured in the server\'s environment (LEAKWATCH_CHANNELS, LEAKWATCH_CHANNEL_<ID>_TYPE / _URL / _SECRET), ',
      'where their webhook URLs and secrets stay: they are shown here, not edited. "Send test" (admin token) checks one end to end.'),
      channels));

  async function loadAlerts(signal, quiet) {
    if (!quiet) current.replaceChildren(stateBox('loading', 'Loading alerts…'));
    const r = resolveRange(state.range);
    try {
      const body = await getJson('/api/v1/alerts', { from: String(r.from), to: String(r.to) }, signal);
      const now = (body.current || []).slice().sort((a, b) => STATUS.indexOf(a.status) - STATUS.indexOf(b.status));
      current.replaceChildren(now.length === 0 ? stateBox('empty', 'Nothing is firing or pending.')
        : table(['Status', 'Severity', 'Rule', 'Service', 'Version', 'Signal', 'Finding', 'Since', 'Silenced by'],
          now.map((a) => alertRow(state, a))));
      const hist = body.history || [];
      history.replaceChildren(hist.length === 0 ? stateBox('empty', 'No alert changed state in this range.')
        : table(['At', 'Rule', 'Service', 'From', 'To'], hist.map((h) => el('tr', {},
          el('td', {}, dateTime(h.at)), el('td', {}, h.rule || '–'),
          el('td', {}, h.service ? el('a', { href: linkTo(state, 'service', h.service) }, h.service) : '–'),
          el('td', {}, h.from || '–'),
          el('td', {}, el('span', { class: 'verdict ' + cls('status-', h.to) }, h.to || '–'))))));
    } catch (e) {
      if (e.name === 'AbortError') return;
      const box = unavailable(e) ? stateBox('unavailable', 'Alerting is not configured on this server.') : failure('load alerts', e);
      current.replaceChildren(box);
      history.replaceChildren();
    }
  }

  async function loadSilences(signal) {
    try {
      const body = await getJson('/api/v1/silences', undefined, signal);
      const items = (body.items || []).filter((s) => !s.expired);
      silences.replaceChildren(items.length === 0 ? stateBox('empty', 'No active or scheduled silence.')
        : table(['Matchers', 'Starts', 'Ends', 'Author', 'Comment', ''], items.map((s) => {
          const expire = el('button', { type: 'button', 'data-silence': s.id }, 'Expire');
          expire.addEventListener('click', async () => {
            expire.disabled = true;
            try {
              await deleteJson('/api/v1/silences/' + encodeURIComponent(s.id));
              await loadSilences();
            } catch (e) {
              expire.disabled = false;
              formStatus.textContent = 'Could not expire the silence: ' + e.message;
            }
          });
          return el('tr', { 'data-silence-row': s.id },
            el('td', {}, (s.matchers || []).join(', ')), el('td', {}, dateTime(s.startsAt)),
            el('td', {}, dateTime(s.endsAt)), el('td', {}, s.author || '–'), el('td', {}, s.comment || ''), el('td', {}, expire));
        })));
    } catch (e) {
      if (e.name === 'AbortError') return;
      silences.replaceChildren(unavailable(e) ? stateBox('unavailable', 'Alerting is not configured on this server.') : failure('load silences', e));
    }
  }

  async function loadRules(signal) {
    try {
      const body = await getJson('/api/v1/rules', undefined, signal);
      const items = body.items || [];
      rules.replaceChildren(items.length === 0 ? stateBox('empty', 'No alert rule yet. With an admin token, "New rule" creates one.')
        : table(['Rule', 'Enabled', 'Severity', 'Signals', 'Condition', 'For', 'Matchers', 'Channels', ''],
          items.map((r) => ruleRow(r))));
    } catch (e) {
      if (e.name === 'AbortError') return;
      rules.replaceChildren(unavailable(e) ? stateBox('unavailable', 'Alerting is not configured on this server.') : failure('load rules', e));
    }
  }

  function ruleRow(r) {
    const c = r.condition || {};
    const cond = [c.verdicts ? 'verdict ∈ ' + c.verdicts.join('/') : null,
      c.minConfidence != null ? 'confidence ≥ ' + c.minConfidence : null,
      c.timeToExhaustionBelow ? 'exhausted in < ' + c.timeToExhaustionBelow : null].filter(Boolean).join(', ');
    const enabled = r.enabled !== false;
    const edit = el('button', { type: 'button', 'data-rule-edit': r.id }, 'Edit');
    edit.addEventListener('click', () => openEditor(r));
    const toggle = el('button', { type: 'button', 'data-rule-toggle': r.id }, enabled ? 'Disable' : 'Enable');
    toggle.addEventListener('click', () => ruleAction(toggle, 'Could not ' + (enabled ? 'disable' : 'enable') + ' rule ' + r.id,
      () => putJson('/api/v1/rules/' + encodeURIComponent(r.id), { ...r, enabled: !enabled })));
    // Two clicks to delete: no modal dialog, and a stray Enter cannot remove a rule.
    const del = el('button', { type: 'button', 'data-rule-delete': r.id }, 'Delete');
    del.addEventListener('click', () => {
      if (del.dataset.confirm !== 'true') {
        del.dataset.confirm = 'true';
        del.textContent = 'Confirm delete';
        return;
      }
      ruleAction(del, 'Could not delete rule ' + r.id, () => deleteJson('/api/v1/rules/' + encodeURIComponent(r.id)));
    });
    return el('tr', { 'data-rule': r.id, class: enabled ? null : 'disabled' },
      el('td', { title: r.name || '' }, r.id), el('td', {}, enabled ? 'yes' : 'no'),
      el('td', {}, r.severity || '–'), el('td', {}, r.signals ? r.signals.join(', ') : (r.signal || 'any')),
      el('td', {}, cond || '–'), el('td', {}, r.for || '0'), el('td', {}, (r.matchers || []).join(', ') || 'all'),
      el('td', {}, (r.channels || []).join(', ') || 'default'),
      el('td', { class: 'row-actions' }, edit, toggle, del));
  }

  async function ruleAction(button, what, call) {
    button.disabled = true;
    ruleStatus.textContent = '';
    try {
      await call();
      await loadRules();
    } catch (e) {
      button.disabled = false;
      ruleStatus.textContent = what + ': ' + e.message;
    }
  }

  /** Opens the editor on a rule (or a new rule's template); the JSON is the rule file's shape. */
  function openEditor(rule) {
    editing = rule ? rule.id : null;
    ruleText.value = JSON.stringify(rule || NEW_RULE, null, 2);
    ruleTitle.textContent = rule ? 'Edit rule ' + rule.id : 'New rule';
    ruleStatus.textContent = '';
    ruleForm.hidden = false;
    ruleText.focus();
  }

  async function loadChannels(signal) {
    try {
      const body = await getJson('/api/v1/channels', undefined, signal);
      const items = body.items || [];
      channels.replaceChildren(items.length === 0 ? stateBox('empty', 'No notification channel is configured.')
        : table(['Channel', 'Type', 'Target', 'Last delivery', 'Outcome', ''], items.map((c) => {
          const out = el('span', { class: 'outcome' });
          const d = c.lastDelivery;
          if (d) out.append(d.outcome + (d.statusCode ? ' (' + d.statusCode + ')' : '') + (d.lastError ? ': ' + d.lastError : ''));
          else out.append('never');
          const test = el('button', { type: 'button', 'data-channel': c.id, title: 'Send a test message (admin token)' }, 'Send test');
          test.addEventListener('click', async () => {
            test.disabled = true;
            out.textContent = 'Sending…';
            try {
              const r = await postJson('/api/v1/channels/' + encodeURIComponent(c.id) + '/test');
              out.textContent = 'test: ' + r.outcome + (r.statusCode ? ' (' + r.statusCode + ')' : '') + (r.lastError ? ': ' + r.lastError : '');
            } catch (e) {
              out.textContent = e.message;
            } finally {
              test.disabled = false;
            }
          });
          return el('tr', { 'data-channel-row': c.id }, el('td', {}, c.id + (c.default ? ' (default)' : '')),
            el('td', {}, c.type || '–'), el('td', {}, c.target || '–'),
            el('td', {}, d ? ago(d.lastAttemptAt || d.startedAt) : '–'), el('td', {}, out), el('td', {}, test));
        })));
    } catch (e) {
      if (e.name === 'AbortError') return;
      channels.replaceChildren(unavailable(e) ? stateBox('unavailable', 'Alerting is not configured on this server.') : failure('load channels', e));
    }
  }

  const refresh = (signal, quiet) => Promise.all([loadAlerts(signal, quiet), loadSilences(signal), loadRules(signal), loadChannels(signal)]);
  return { title: 'Alerts', refresh };
}

function alertRow(state, a) {
  const f = a.finding || {};
  const finding = [f.verdict, f.confidence != null ? f.confidence + '%' : null, rate(f.slopePerHour, f.unit),
    f.timeToExhaustionSeconds != null ? 'exhausted in ' + duration(f.timeToExhaustionSeconds) : null].filter((x) => x && x !== '–').join(' · ');
  return el('tr', { 'data-status': a.status },
    el('td', {}, el('span', { class: 'verdict ' + cls('status-', a.status) }, a.status || '–')),
    el('td', {}, a.severity || '–'), el('td', {}, a.rule || '–'),
    el('td', {}, a.service ? el('a', { href: linkTo(state, 'service', a.service) }, a.service) : '–'),
    el('td', {}, a.version || '–'), el('td', {}, a.signal || '–'), el('td', {}, finding || '–'),
    el('td', { title: a.firingSince || a.activeSince || '' }, ago(a.firingSince || a.activeSince)),
    el('td', {}, a.silencedBy || ''));
}
