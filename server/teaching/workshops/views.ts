/** HTML of the workshop pages: the instructor's list and dashboard, the join pages, the learner's home. */
import type { Lesson } from '../../course.js';
import type { WorkshopMessage, WorkshopRecord } from '../../store/workshops.js';
import { html, when } from '../../http/html.js';
import type { ExerciseState } from '../../../shared/exercise.js';
import { displayJoinCode, type GridExercise, type WorkshopSnapshot, type WorkshopState } from './model.js';

const stateLabel: Record<WorkshopState, string> = { scheduled: 'not open yet', open: 'open', ended: 'ended' };

export function workshopsView(list: { w: WorkshopRecord; state: WorkshopState; members: number }[], lessons: Lesson[], csrf: string) {
  return html`<h1>Workshops</h1>
    ${list.length === 0
      ? html`<p class="muted">No workshops yet. Create one below; learners join with its code.</p>`
      : html`<table class="list">
          <thead><tr><th scope="col">Workshop</th><th scope="col">State</th><th scope="col">Learners</th><th scope="col">Opens</th><th scope="col">Closes</th><th scope="col">Join code</th></tr></thead>
          <tbody>${list.map(
            ({ w, state, members }) => html`<tr>
              <th scope="row"><a href="/workshops/${w.id}">${w.title}</a></th>
              <td><span class="state ${state}">${stateLabel[state]}</span></td>
              <td>${members} / ${w.capacity}</td>
              <td>${when(w.opensAt)}</td><td>${when(w.closesAt)}</td>
              <td><code>${displayJoinCode(w.joinCode)}</code></td>
            </tr>`,
          )}</tbody></table>`}
    <section class="card">
      <h2>New workshop</h2>
      <form method="post" action="/workshops" class="stack" id="new-workshop">
        <input type="hidden" name="_csrf" value="${csrf}">
        <input type="hidden" name="tzOffset" value="0">
        <label>Title <input name="title" required maxlength="120" placeholder="Kubernetes fundamentals, Tuesday"></label>
        <fieldset><legend>Lessons</legend>
          ${lessons.map((l) => html`<label class="check"><input type="checkbox" name="lessons" value="${l.id}"> ${l.title}</label>`)}
        </fieldset>
        <div class="row">
          <label>Capacity <input name="capacity" type="number" min="1" max="500" value="20" required></label>
          <label>Opens <input name="opensAt" type="datetime-local"> <small class="muted">empty: now</small></label>
          <label>Lasts (minutes) <input name="durationMinutes" type="number" min="1" max="10080" value="180" required></label>
        </div>
        <label class="check"><input type="checkbox" name="challenge" value="on"> Challenge mode: learners see no hints and no solutions (failed checks still say what was expected and found)</label>
        <button type="submit" class="btn btn-primary">Create workshop</button>
      </form>
    </section>`;
}

export function dashboardView(s: WorkshopSnapshot, joinUrl: string, csrf: string) {
  const w = s.workshop;
  const ended = w.state === 'ended';
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}">`;
  const exportCsv = html`<a class="btn" href="/api/workshops/${w.id}/results.csv" id="export-csv" download>Export results (CSV)</a>`;
  // An ended workshop keeps its results and their export; its learners and labs are gone, so nothing else is offered.
  return html`<p class="crumbs"><a href="/workshops">← Workshops</a></p>
    <header class="dash-head">
      <h1>${w.title}</h1>
      <p class="meta"><span class="state ${w.state}" id="ws-state">${stateLabel[w.state]}</span>
        · ${ended ? 'ended' : 'closes'} <span id="ws-closes">${when(w.closesAt)}</span> · <span id="ws-count">${s.learners.length}</span> / ${w.capacity} learners${w.challenge ? html` · <span class="challenge-badge" id="ws-challenge">challenge mode: no hints, no solutions</span>` : ''}</p>
      ${ended
        ? ''
        : html`<p class="join">Join code <code class="big" id="join-code">${displayJoinCode(w.joinCode)}</code>
        <button type="button" class="btn btn-small" data-copy="${displayJoinCode(w.joinCode)}" data-copy-of="join-code">Copy code</button>
        · link <a href="${joinUrl}" id="join-link">${joinUrl}</a>
        <button type="button" class="btn btn-small" data-copy="${joinUrl}" data-copy-of="join-link">Copy link</button></p>`}
    </header>
    ${ended
      ? html`<p class="notice" id="ended-notice">This workshop has ended: its learners were signed out and their labs deleted. Their results stay here, and in the export.</p>
        <section class="toolbar" aria-label="Workshop results">${exportCsv}</section>`
      : html`<section class="toolbar" aria-label="Workshop controls">
      <form method="post" action="/workshops/${w.id}/extend" class="inline">${hidden}<input type="hidden" name="minutes" value="15"><button type="submit" class="btn">+15 min</button></form>
      <form method="post" action="/workshops/${w.id}/extend" class="inline">${hidden}<input type="hidden" name="minutes" value="60"><button type="submit" class="btn">+1 hour</button></form>
      ${exportCsv}
      <form method="post" action="/workshops/${w.id}/close" class="inline" data-confirm="Close the workshop? Every learner is signed out and their labs are deleted.">${hidden}<button type="submit" class="btn btn-danger">Close workshop</button></form>
    </section>`}
    <section aria-labelledby="grid-h">
      <h2 id="grid-h">Learners <small class="live" id="live-state">connecting…</small></h2>
      <p class="legend"><span class="dot passed"></span> passed <span class="dot trying"></span> trying <span class="dot not-started"></span> not started</p>
      <div id="grid" class="grid-wrap" data-workshop="${w.id}" data-state="${w.state}" data-csrf="${csrf}"><p class="muted">Loading…</p></div>
    </section>
    <section id="watch" class="watch" hidden aria-labelledby="watch-h">
      <h2 id="watch-h">Terminal of <span id="watch-name"></span> <small>(read-only)</small> <button type="button" id="watch-close" class="btn btn-quiet">Close</button></h2>
      <div id="watch-term" class="watch-term"></div>
    </section>
    <section class="card" aria-labelledby="msg-h">
      <h2 id="msg-h">${ended ? 'Messages sent' : 'Message everyone'}</h2>
      ${ended
        ? ''
        : html`<form method="post" action="/workshops/${w.id}/messages" class="row" id="message-form">${hidden}
        <input name="body" required maxlength="500" placeholder="We start the next lesson in 5 minutes" aria-label="Message">
        <button type="submit" class="btn btn-primary">Send</button>
      </form>`}
      ${ended && s.messages.length === 0 ? html`<p class="muted">None.</p>` : ''}
      <ol class="messages" id="messages">${s.messages.map((m) => html`<li>${when(m.createdAt)} ${m.body}</li>`)}</ol>
    </section>`;
}

export function joinCodeView() {
  return html`<section class="card narrow">
    <h1>Join a workshop</h1>
    <form method="get" action="/join" class="stack">
      <label>Workshop code <input name="code" required maxlength="20" autocomplete="off" autocapitalize="characters" placeholder="ABCD-EFGH" autofocus></label>
      <button type="submit" class="btn btn-primary">Continue</button>
    </form>
  </section>`;
}

export function joinView(w: WorkshopRecord, csrf: string, error?: string) {
  return html`<section class="card narrow">
    <h1>Join “${w.title}”</h1>
    <p class="muted">Open until ${when(w.closesAt)}. You get your own Kubernetes lab for the workshop.</p>
    ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    <form method="post" action="/join/${w.joinCode}" class="stack">
      <input type="hidden" name="_csrf" value="${csrf}">
      <label>Your name, as the instructor will see it <input name="displayName" required maxlength="60" autocomplete="name" autofocus></label>
      <button type="submit" class="btn btn-primary">Join</button>
    </form>
    <p class="muted small">No password: this browser keeps you signed in until the workshop ends.</p>
  </section>`;
}

export function joinRefusedView(message: string) {
  return html`<section class="card narrow"><h1>Join a workshop</h1><p class="error" role="alert">${message}</p><p><a href="/join">Try another code</a></p></section>`;
}

const cellLabel: Record<ExerciseState, string> = { passed: 'passed', trying: 'trying', 'not-started': 'not started' };

export function learnerWorkshopView(
  w: WorkshopRecord,
  state: WorkshopState,
  lessons: { id: string; title: string; url: string }[],
  exercises: GridExercise[],
  cells: Record<string, ExerciseState>,
  messages: WorkshopMessage[],
) {
  return html`<h1>${w.title}</h1>
    <p class="meta"><span class="state ${state}" id="workshop-state">${stateLabel[state]}</span> · <span id="workshop-ends">${state === 'ended' ? 'ended' : 'ends'}</span> ${when(w.closesAt)}</p>
    ${w.challenge ? html`<p class="challenge-notice" id="challenge-notice" role="note"><strong>Challenge mode</strong> is on for this workshop: hints and solutions are hidden. Failed checks still say what was expected and what was found.</p>` : ''}
    <section><h2>Lessons</h2>
      <ol class="lessons">${lessons.map(
        (l) => html`<li><a href="${l.url}">${l.title}</a>
          <ul class="plain">${exercises.filter((e) => e.lessonId === l.id).map((e) => html`<li class="ex-item ${cells[e.id]}"><span class="dot ${cells[e.id]}" aria-hidden="true"></span>${e.title} <small class="muted">${cellLabel[cells[e.id] ?? 'not-started']}</small></li>`)}</ul></li>`,
      )}</ol>
    </section>
    <section><h2>Messages from your instructor</h2>
      ${messages.length ? html`<ol class="messages">${messages.map((m) => html`<li>${when(m.createdAt)} ${m.body}</li>`)}</ol>` : html`<p class="muted">None yet.</p>`}
    </section>`;
}
