// The authorisation matrix: every route of the route table (`motcua routes
// --json`, read from src/api/routes.c) × every role × a unit in and out of the
// caller's scope, with the status each must get:
//
//   anonymous on a session route            401 unauthenticated
//   a role outside the route's role set     403 forbidden
//   an allowed role, unit out of scope      403 out-of-scope (404 where a
//                                           dossier or file that is not the
//                                           caller's must look unknown)
//   an allowed role, unit in scope          anything but 401/403 (and no 5xx)
//
// RULES below holds one entry per "METHOD pattern": the roles the security
// design grants (checked against the route table, so widening a route in
// routes.c fails here too), what kind of scope applies, and how to build a
// request with valid path parameters. A route in the table without a rule
// fails the test: a new route cannot be added without deciding who may use it.
//
// Requests that would change data are sent with deliberately incomplete or
// invalid bodies, chosen so that every check of the caller comes first and an
// allowed caller then gets a 4xx validation or state error: nothing changes
// (checked at the end by counting the rows of every table that matters). The
// exceptions: DELETE /api/v1/session is sent with a throwaway session, and
// DELETE /api/v1/calendar/1950 reverts a year that the set-up reverted already.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, BIN, PASSWORD } from './harness.mjs';
import { stopServer, DISTRICT, DEPARTMENT, assertStatus, demoRegisters, districtProcedure, APPLICANT } from './helpers.mjs';

const ALL = ['citizen', 'desk', 'specialist', 'leader', 'supervisor', 'admin'];
const STAFF = ['desk', 'specialist', 'leader', 'supervisor', 'admin'];
const LEADERS = ['leader', 'supervisor', 'admin'];
const ACTORS = ['citizen', 'desk', 'specialist', 'leader'];
const ADMIN = ['admin'];
const DEPT_PROCEDURE = '1.005399'; // received by Sở TNMT (data/demo/province.json)
const PROVINCE_UNIT = '000.00.00.H56'; // the root unit
// Files are stored under their hash: each fixture's must differ.
const pdf = (tag) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const RATING = { criteria: { total_time: 2, agency_time: 2, contacts: 2, agencies: 2, reception: 2, transparency: 2,
  attitude: 2 }, overall: 'satisfied' };

// scope: null (none), 'dossier' (the dossier in the path: staff out of scope
// 403, a citizen's not-own 404), 'unit' (a unit in the query, path or body:
// staff 403; citizens have no unit scope), 'attachment' (404 for both: unknown
// and not yours look the same), 'root' (the whole province's: an administrator
// held in the root unit only, others 403 out-of-scope). public: no session
// needed.
//
// Administrators are scoped like other officers (docs/operations.md, "Who
// administers what"): on the administration routes the unit is the one
// changed (PATCH), the parent of a new unit, the unit of a new account, the
// owner of a procedure. The 'province' target aims them at the root unit, at
// a procedure owned by no unit and, for accounts, at a new administrator.
const RULES = {
  'GET /healthz': { public: true, req: () => ({ path: '/healthz' }) },
  'GET /readyz': { public: true, req: () => ({ path: '/readyz' }) },
  'GET /metrics': { public: true, req: () => ({ path: '/metrics' }) },
  'POST /api/v1/session': { public: true, req: () => ({ path: '/api/v1/session', body: {} }) },
  'GET /api/v1/session': { roles: ALL, req: () => ({ path: '/api/v1/session' }) },
  // Sign-in through the identity provider: off here (404 identity-provider-off), for anyone.
  'GET /api/v1/session/oidc': { public: true, req: () => ({ path: '/api/v1/session/oidc' }) },
  'GET /api/v1/session/oidc/status': { public: true, req: () => ({ path: '/api/v1/session/oidc/status' }) },
  'GET /api/v1/session/oidc/callback': { public: true, req: () => ({ path: '/api/v1/session/oidc/callback?code=x&state=y' }) },
  'DELETE /api/v1/session': { roles: ALL, fresh: true, req: () => ({ path: '/api/v1/session' }) },
  'GET /api/v1/units': { public: true, req: () => ({ path: '/api/v1/units' }) },
  // A unit that exists already: 409 for an allowed administrator.
  'POST /api/v1/units': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: '/api/v1/units', body: { code: f.unit,
    name: 'Kiểm Tra Quyền', level: 'commune', parent: f.unit } }) },
  'GET /api/v1/units/{code}': { public: true, req: (f) => ({ path: `/api/v1/units/${f.unit}` }) },
  // Whom to hand a dossier over to: officers, of a unit in their scope.
  'GET /api/v1/units/{code}/officers': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/units/${f.unit}/officers` }) },
  // The unit in the path is checked before the body: an empty name is the 422.
  'PATCH /api/v1/units/{code}': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: `/api/v1/units/${f.unit}`,
    body: { name: '' } }) },
  // Reorganisation plans change the whole tree: the root's administrator's.
  // An empty plan is the 422, an unknown plan the 404.
  'GET /api/v1/unit-plans': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/unit-plans' }) },
  'POST /api/v1/unit-plans': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/unit-plans', body: {} }) },
  'GET /api/v1/unit-plans/{id}': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/unit-plans/999999' }) },
  'POST /api/v1/unit-plans/{id}/apply': { roles: ADMIN, scope: 'root',
    req: () => ({ path: '/api/v1/unit-plans/999999/apply' }) },
  'GET /api/v1/users': { roles: LEADERS, req: () => ({ path: '/api/v1/users' }) },
  // A username that exists already: 409 for an allowed administrator.
  'POST /api/v1/users': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: '/api/v1/users', body: {
    username: 'tiepnhan', password: PASSWORD, full_name: 'Kiểm Tra Quyền', role: f.role || 'desk', unit: f.unit } }) },
  'POST /api/v1/citizens': { public: true, req: () => ({ path: '/api/v1/citizens', body: {} }) },
  // An account of the unit (f.account); its unit is the scope. Bodies are
  // refused after the scope check (an unknown role, an unknown colleague).
  'GET /api/v1/users/{username}': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: `/api/v1/users/${f.account}` }) },
  'PUT /api/v1/users/{username}/identity': { roles: ADMIN, scope: 'unit', req: (f) => ({
    path: `/api/v1/users/${f.account}/identity`, body: { subject: 'sub-1' } }) },
  'DELETE /api/v1/users/{username}/identity': { roles: ADMIN, scope: 'unit', req: (f) => ({
    path: `/api/v1/users/${f.account}/identity` }) },
  'PATCH /api/v1/users/{username}': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: `/api/v1/users/${f.account}`,
    body: { role: 'king' } }) },
  // A reset changes a password and ends sessions, no row: it aims at throwaway accounts.
  'POST /api/v1/users/{username}/password': { roles: ADMIN, scope: 'unit', req: (f) => ({
    path: `/api/v1/users/${f.resetAccount}/password` }) },
  'POST /api/v1/users/{username}/handover': { roles: ADMIN, scope: 'unit', req: (f) => ({
    path: `/api/v1/users/${f.account}/handover`, body: { to: 'khong.ai' } }) },
  'GET /api/v1/users/{username}/signins': { roles: ADMIN, scope: 'unit', req: (f) => ({
    path: `/api/v1/users/${f.account}/signins` }) },
  'GET /api/v1/account-actions': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/account-actions' }) },
  'GET /api/v1/portal-sync': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/portal-sync' }) },
  // No such change: 404 once the caller may retry.
  // TraCuuHoSo: an administrator whose unit holds the dossier (with the sync off here: 409).
  'GET /api/v1/portal-sync/dossiers/{code}': { roles: ADMIN, scope: 'dossier', req: (f) => ({
    path: `/api/v1/portal-sync/dossiers/${f.dossier}` }) },
  'POST /api/v1/portal-sync/{id}/retry': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/portal-sync/999999/retry' }) },
  // Without the current password: 422.
  'PATCH /api/v1/profile': { roles: ALL, req: () => ({ path: '/api/v1/profile', body: {} }) },
  'GET /api/v1/profile/signins': { roles: ALL, req: () => ({ path: '/api/v1/profile/signins' }) },
  'POST /api/v1/recovery': { public: true, req: () => ({ path: '/api/v1/recovery', body: {} }) },
  'POST /api/v1/recovery/confirm': { public: true, req: () => ({ path: '/api/v1/recovery/confirm', body: {} }) },
  'GET /api/v1/procedures': { public: true, req: () => ({ path: '/api/v1/procedures?limit=5' }) },
  // A code that exists already: 409 for an allowed administrator.
  'POST /api/v1/procedures': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: '/api/v1/procedures', body: {
    code: f.ownProcedure, name: 'Kiểm tra quyền', field: 'Kiểm tra', levels: 'province,department,district',
    duration_hours: 8, unit: f.unit } }) },
  'GET /api/v1/procedures/fields': { public: true, req: () => ({ path: '/api/v1/procedures/fields' }) },
  'GET /api/v1/procedures/{code}': { public: true, req: (f) => ({ path: `/api/v1/procedures/${f.procedure}` }) },
  // A form's file, for anyone (a document without one: 404, allowed all the same).
  'GET /api/v1/procedures/{code}/documents/{seq}/template': { public: true, req: (f) => ({
    path: `/api/v1/procedures/${f.procedure}/documents/1/template` }) },
  // The procedure's owner is checked before the body: {} is the 422.
  'PUT /api/v1/procedures/{code}': { roles: ADMIN, scope: 'unit', req: (f) => ({
    path: `/api/v1/procedures/${f.ownProcedure}`, body: {} }) },
  // The scope is checked before the documents: documents[0] without a name is the 422.
  // A desk naming a unit outside its scope is refused, before the documents, by the
  // one-stop rule of today (Nghị định 118/2025/NĐ-CP; docs/province-2026.md): the
  // fixtures' procedures are not received regardless of administrative boundary.
  'POST /api/v1/dossiers': { roles: ['citizen', 'desk'], scope: 'unit', outStaff: { status: 422, slug: 'not-receivable-here' },
    req: (f, p) => ({ path: '/api/v1/dossiers',
    body: { procedure_code: f.procedure, channel: p.role === 'citizen' ? 'online' : 'direct',
      applicant: { name: 'Kiểm Tra Quyền' }, unit: f.unit, documents: [{}] } }) },
  'GET /api/v1/dossiers': { roles: ALL, scope: 'unit', req: (f) => ({ path: `/api/v1/dossiers?limit=5&unit=${f.unit}` }) },
  'GET /api/v1/dossiers/submissions': { roles: ['desk'], scope: 'unit', req: (f) => ({
    path: `/api/v1/dossiers/submissions?unit=${f.unit}` }) },
  // The fixture dossiers are received, not waiting: an allowed desk gets 200 with the
  // dossier skipped, and nothing changes.
  'POST /api/v1/dossiers/refusals': { roles: ['desk'], scope: 'dossier', req: (f) => ({
    path: '/api/v1/dossiers/refusals', body: { codes: [f.dossier], note: 'Kiểm tra quyền' } }) },
  'GET /api/v1/dossiers/{code}': { roles: ALL, scope: 'dossier', req: (f) => ({ path: `/api/v1/dossiers/${f.dossier}` }) },
  // An unknown to_unit is looked up after the scope check: 422 unknown-unit.
  'POST /api/v1/dossiers/{code}/actions': { roles: ACTORS, scope: 'dossier', req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/actions`, body: { action: 'transfer', to_unit: '999.99.99.H99' } }) },
  // A valid rating of a dossier not yet returned: 409 for its owner.
  'POST /api/v1/dossiers/{code}/rating': { roles: ['citizen'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/rating`, body: RATING }) },
  'GET /api/v1/ratings/summary': { roles: LEADERS, scope: 'unit', req: (f) => ({ path: `/api/v1/ratings/summary?unit=${f.unit}` }) },
  // The dossiers are not awaiting payment: 409 for an allowed caller.
  'POST /api/v1/dossiers/{code}/payments': { roles: ['citizen', 'desk'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/payments` }) },
  'POST /api/v1/payments/callback': { public: true, req: () => ({ path: '/api/v1/payments/callback', body: {} }) },
  'GET /api/v1/payments/test-provider/pay': { public: true, req: () => ({ path: '/api/v1/payments/test-provider/pay' }) },
  'POST /api/v1/payments/test-provider/pay': { public: true, req: () => ({ path: '/api/v1/payments/test-provider/pay',
    raw: '', headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }) },
  'GET /api/v1/dossiers/{code}/forms/{form}': { roles: ALL, scope: 'dossier', out: { staff: 404 }, req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/forms/01` }) },
  'GET /api/v1/forms/register': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/forms/register?from=2017-01-01&to=2017-02-01&unit=${f.unit}` }) },
  'GET /api/v1/public/dossiers/{code}': { public: true, req: (f) => ({ path: `/api/v1/public/dossiers/${f.dossier}` }) },
  'GET /api/v1/public/dossiers/{code}/qr.svg': { public: true, req: (f) => ({ path: `/api/v1/public/dossiers/${f.dossier}/qr.svg` }) },
  'GET /api/v1/public/apologies': { public: true, req: (f) => ({ path: `/api/v1/public/apologies?unit=${f.unit}` }) },
  'GET /api/v1/public/results': { public: true, req: (f) => ({ path: `/api/v1/public/results?unit=${f.unit}` }) },
  // A new date in the past is refused after the scope and state checks: 422.
  'POST /api/v1/dossiers/{code}/apologies': { roles: ['desk', 'specialist', 'leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/apologies`, body: { reason: 'Kiểm tra quyền', new_due: '2017-03-01T09:00' } }) },
  'GET /api/v1/dossiers/{code}/apologies': { roles: ALL, scope: 'dossier', req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/apologies` }) },
  // The apology was issued in the set-up: 409 apology-issued.
  'POST /api/v1/dossiers/{code}/apologies/{id}/issue': { roles: ['leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/dossiers/${f.dossier}/apologies/${f.apology}/issue` }) },
  'GET /api/v1/calendar/due': { public: true, req: () => ({ path: '/api/v1/calendar/due?from=2026-01-05T08:00&hours=8' }) },
  'GET /api/v1/calendar/{year}': { public: true, req: () => ({ path: '/api/v1/calendar/2026' }) },
  'PUT /api/v1/calendar/{year}': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/calendar/2026', body: {} }) },
  // DELETE reverts a year to the Labour Code rule by storing it empty: 1950 is
  // reverted once in the set-up, so the matrix's deletes change nothing more.
  'DELETE /api/v1/calendar/{year}': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/calendar/1950' }) },
  // Administrators upload the files of forms (a procedure's templates).
  'POST /api/v1/attachments': { roles: [...ACTORS, 'admin'], req: () => ({ path: '/api/v1/attachments', raw: '',
    headers: { 'Content-Type': 'application/pdf' } }) },
  'GET /api/v1/attachments/{sha256}': { roles: ALL, scope: 'attachment', req: (f) => ({
    path: `/api/v1/attachments/${f.attachment}` }) },
  // Personal data: a citizen's own export and erasure ({} lacks confirm: 422),
  // the log of reads (each sees their own part of it), and the province
  // administrator's export of a citizen.
  'GET /api/v1/personal/export': { roles: ['citizen'], req: () => ({ path: '/api/v1/personal/export' }) },
  'POST /api/v1/personal/erasure': { roles: ['citizen'], req: () => ({ path: '/api/v1/personal/erasure', body: {} }) },
  'GET /api/v1/personal/reads': { roles: ['citizen', 'admin'], req: () => ({ path: '/api/v1/personal/reads' }) },
  'GET /api/v1/citizens/{key}/export': { roles: ADMIN, scope: 'root', req: () => ({
    path: '/api/v1/citizens/congdan/export' }) },
  'GET /api/v1/stats': { roles: LEADERS, scope: 'unit', req: (f) => ({ path: `/api/v1/stats?unit=${f.unit}` }) },
  'GET /api/v1/stats/overdue': { roles: LEADERS, scope: 'unit', req: (f) => ({ path: `/api/v1/stats/overdue?unit=${f.unit}` }) },
  'GET /api/v1/stats/chart.svg': { roles: LEADERS, scope: 'unit', req: (f) => ({ path: `/api/v1/stats/chart.svg?kind=received&unit=${f.unit}` }) },
  'GET /api/v1/stats/report.xlsx': { roles: LEADERS, scope: 'unit', req: (f) => ({
    path: `/api/v1/stats/report.xlsx?unit=${f.unit}` }) },
  'GET /api/v1/stats/report.pdf': { roles: LEADERS, scope: 'unit', req: (f) => ({
    path: `/api/v1/stats/report.pdf?unit=${f.unit}` }) },
  // Official documents (docs/documents.md).
  'GET /api/v1/document-types': { roles: STAFF, req: () => ({ path: '/api/v1/document-types' }) },
  'GET /api/v1/document-registers': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/document-registers?unit=${f.unit}` }) },
  // The unit is checked before the rest of the body: box "x" is the 422.
  'POST /api/v1/document-registers': { roles: ADMIN, scope: 'unit', req: (f) => ({ path: '/api/v1/document-registers',
    body: { unit: f.unit, box: 'x', organ_abbr: 'UBND' } }) },
  'GET /api/v1/document-registers/{id}/register.pdf': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/document-registers/${f.register}/register.pdf` }) },
  'GET /api/v1/document-registers/{id}/register.xlsx': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/document-registers/${f.register}/register.xlsx` }) },
  'GET /api/v1/documents': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/documents?unit=${f.unit}` }) },
  // The issuing body is checked before the draft: an unknown kind is the 422.
  'POST /api/v1/documents': { roles: ['specialist'], scope: 'unit', req: (f) => ({ path: '/api/v1/documents',
    body: { unit: f.unit, type: 'khong_co', subject: 'Kiểm tra quyền' } }) },
  'POST /api/v1/documents/incoming': { roles: ['desk'], req: () => ({ path: '/api/v1/documents/incoming', body: {} }) },
  'GET /api/v1/documents/{id}': { roles: STAFF, scope: 'dossier', req: (f) => ({ path: `/api/v1/documents/${f.document}` }) },
  'GET /api/v1/documents/{id}/events': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/events` }) },
  'PATCH /api/v1/documents/{id}': { roles: ['specialist'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}`, body: { type: 'khong_co', subject: 'Kiểm tra quyền' } }) },
  // The document's scope comes before the body: an unknown action is the 422.
  'POST /api/v1/documents/{id}/actions': { roles: ['specialist', 'desk', 'leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/actions`, body: { action: 'khong_co' } }) },
  'GET /api/v1/documents/{id}/file': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/file` }) },
  'GET /api/v1/documents/{id}/signatures': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/signatures` }) },
  // Scope, then the state (a draft: 409) or a body that is no PDF (415): nothing is signed.
  'POST /api/v1/documents/{id}/attachment-seal': { roles: ['desk'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/attachment-seal`, raw: Buffer.from('x'),
    headers: { 'Content-Type': 'application/pdf' } }) },
  // A draft's versions (docs/documents.md §3b): the scope and the drafter come before the
  // content, so the drafter in scope gets 415 for a file that is no PDF; no version 1 is 404.
  'POST /api/v1/documents/{id}/versions': { roles: ['specialist'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/versions`, raw: Buffer.from('not a pdf'),
    headers: { 'Content-Type': 'application/pdf' } }) },
  'GET /api/v1/documents/{id}/versions': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/versions` }) },
  'GET /api/v1/documents/{id}/versions/{n}/file': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/versions/1/file` }) },
  // Its attachments (§3c): as versions; a body that is no PDF is 415, no attachment 1 is 404.
  'POST /api/v1/documents/{id}/attachments': { roles: ['specialist'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/attachments`, raw: Buffer.from('not a pdf'),
    headers: { 'Content-Type': 'application/pdf' } }) },
  'GET /api/v1/documents/{id}/attachments': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/attachments` }) },
  'GET /api/v1/documents/{id}/attachments/{n}/file': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/attachments/1/file` }) },
  // the fixture's document has no attachment 1: the drafter's answer is 404, nothing removed
  'DELETE /api/v1/documents/{id}/attachments/{n}': { roles: ['specialist'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/attachments/1` }) },
  // The document's scope comes before the certificate: junk PEM (or the state) is the 4xx.
  'POST /api/v1/documents/{id}/signature/prepare': { roles: ['leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/signature/prepare`, body: { certificate: 'x' } }) },
  'POST /api/v1/documents/{id}/signature': { roles: ['leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/signature`, body: { signature: 'AAAA', certificate: 'x' } }) },
  // edXML exchange: this server has no peers, so an allowed caller in scope gets 409
  // exchange-not-configured after the document's scope (404 for a package never sent).
  'POST /api/v1/edxml': { public: true, req: () => ({ path: '/api/v1/edxml', body: {} }) },
  'POST /api/v1/documents/{id}/send': { roles: ['desk'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/send`, body: {} }) },
  'POST /api/v1/documents/{id}/recall': { roles: ['desk'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/recall`, body: {} }) },
  'POST /api/v1/documents/{id}/exchange-status': { roles: ['desk', 'leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/documents/${f.document}/exchange-status`, body: {} }) },
  'GET /api/v1/documents/{id}/exchange': { roles: STAFF, scope: 'dossier', req: (f) => ({ path: `/api/v1/documents/${f.document}/exchange` }) },
  'GET /api/v1/documents/{id}/edxml': { roles: STAFF, scope: 'dossier', req: (f) => ({ path: `/api/v1/documents/${f.document}/edxml` }) },
  // Work files (docs/documents.md §12): f.workfile is listed, not open, so an
  // allowed caller in scope gets 409 on its documents and 422 on an unknown
  // action; a new one names no officer (422) after the unit's scope.
  'GET /api/v1/workfiles': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/workfiles?unit=${f.unit}` }) },
  'POST /api/v1/workfiles': { roles: ['desk', 'leader'], scope: 'unit', req: (f) => ({ path: '/api/v1/workfiles',
    body: { unit: f.unit, year: 2026, code: 'KTQ', title: 'Kiểm tra quyền', retention: 5, responsible: 999999 } }) },
  'GET /api/v1/workfiles/handover.pdf': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/workfiles/handover.pdf?unit=${f.unit}&year=2026` }) },
  'GET /api/v1/workfiles/handover.xlsx': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/workfiles/handover.xlsx?unit=${f.unit}&year=2026` }) },
  'GET /api/v1/workfiles/catalogue.pdf': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/workfiles/catalogue.pdf?unit=${f.unit}&year=2026` }) },
  'GET /api/v1/workfiles/catalogue.xlsx': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/workfiles/catalogue.xlsx?unit=${f.unit}&year=2026` }) },
  'GET /api/v1/workfiles/disposal.pdf': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/workfiles/disposal.pdf?unit=${f.unit}&year=2026` }) },
  'GET /api/v1/workfiles/disposal.xlsx': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/workfiles/disposal.xlsx?unit=${f.unit}&year=2026` }) },
  // "keep" on a file that was never proposed: refused by its state (409) once
  // the caller may act on the file
  'POST /api/v1/workfiles/disposal': { roles: ['desk', 'leader'], scope: 'dossier', req: (f) => ({
    path: '/api/v1/workfiles/disposal', body: { action: 'keep', files: [{ id: f.workfile, version: 1 }] } }) },
  'GET /api/v1/workfiles/{id}': { roles: STAFF, scope: 'dossier', req: (f) => ({ path: `/api/v1/workfiles/${f.workfile}` }) },
  'PATCH /api/v1/workfiles/{id}': { roles: ['desk', 'leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/workfiles/${f.workfile}`, body: { retention: 0 } }) },
  'POST /api/v1/workfiles/{id}/actions': { roles: ['desk', 'specialist', 'leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/workfiles/${f.workfile}/actions`, body: { action: 'khong_co' } }) },
  'PUT /api/v1/workfiles/{id}/documents/{doc}': { roles: ['desk', 'specialist', 'leader'], scope: 'dossier',
    req: (f) => ({ path: `/api/v1/workfiles/${f.workfile}/documents/${f.document}` }) },
  'DELETE /api/v1/workfiles/{id}/documents/{doc}': { roles: ['desk', 'specialist', 'leader'], scope: 'dossier',
    req: (f) => ({ path: `/api/v1/workfiles/${f.workfile}/documents/${f.document}` }) },

  // The reform index (docs/par-index.md): the province defines; the unit's
  // leaders and specialists assess it; the council (giamsat, named in the
  // set-up) appraises, imports, computes, publishes. Framework 999999 does not
  // exist: an allowed caller gets its 404 and nothing changes.
  'GET /api/v1/par/frameworks': { roles: STAFF, req: () => ({ path: '/api/v1/par/frameworks' }) },
  'POST /api/v1/par/frameworks': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/par/frameworks', body: {} }) },
  'GET /api/v1/par/frameworks/{id}': { roles: STAFF, req: (f) => ({ path: `/api/v1/par/frameworks/${f.par}` }) },
  'POST /api/v1/par/frameworks/{id}/copy': { roles: ADMIN, scope: 'root', req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/copy`, body: {} }) },
  'GET /api/v1/par/frameworks/{id}/results': { roles: STAFF, req: (f) => ({ path: `/api/v1/par/frameworks/${f.par}/results` }) },
  'GET /api/v1/par/frameworks/{id}/results.xlsx': { roles: STAFF, req: (f) => ({ path: `/api/v1/par/frameworks/${f.par}/results.xlsx` }) },
  'GET /api/v1/par/frameworks/{id}/results.pdf': { roles: STAFF, req: (f) => ({ path: `/api/v1/par/frameworks/${f.par}/results.pdf` }) },
  // Not a workbook: an allowed caller gets 422 and nothing is made.
  'POST /api/v1/par/frameworks/import': { roles: ADMIN, scope: 'root', req: () => ({
    path: '/api/v1/par/frameworks/import?year=2018&group=district', raw: Buffer.from('x'),
    headers: { 'Content-Type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' } }) },
  'POST /api/v1/par/frameworks/{id}/survey': { roles: STAFF, council: true, req: () => ({
    path: '/api/v1/par/frameworks/999999/survey', raw: Buffer.from('x'), headers: { 'Content-Type': 'text/csv' } }) },
  'POST /api/v1/par/frameworks/{id}/compute': { roles: STAFF, council: true, req: () => ({
    path: '/api/v1/par/frameworks/999999/compute' }) },
  'POST /api/v1/par/frameworks/{id}/publish': { roles: STAFF, council: true, req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/publish`, body: {} }) },
  'GET /api/v1/par/frameworks/{id}/units/{unit}': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/units/${f.unit}` }) },
  'GET /api/v1/par/frameworks/{id}/units/{unit}/log': { roles: STAFF, scope: 'unit', req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/units/${f.unit}/log` }) },
  'POST /api/v1/par/frameworks/{id}/units/{unit}/submit': { roles: ['specialist', 'leader'], scope: 'unit', req: (f) => ({
    path: `/api/v1/par/frameworks/999999/units/${f.unit}/submit` }) },
  'PUT /api/v1/par/frameworks/{id}/units/{unit}/rating': { roles: STAFF, council: true, req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/units/${f.unit}/rating`, body: { cap: 'khong_co' } }) },
  'PUT /api/v1/par/frameworks/{id}/units/{unit}/self/{code}': { roles: ['specialist', 'leader'], scope: 'unit', req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/units/${f.unit}/self/1`, body: { points: 'x' } }) },
  'PUT /api/v1/par/frameworks/{id}/units/{unit}/appraisal/{code}': { roles: STAFF, council: true, req: (f) => ({
    path: `/api/v1/par/frameworks/${f.par}/units/${f.unit}/appraisal/1`, body: {} }) },
  'PUT /api/v1/par/rules/{year}': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/par/rules/2017', body: {} }) },
  'PUT /api/v1/par/council/{username}': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/par/council/congdan' }) },
  'DELETE /api/v1/par/council/{username}': { roles: ADMIN, scope: 'root', req: () => ({ path: '/api/v1/par/council/khong.co' }) },
  'GET /api/v1/public/par': { public: true, req: () => ({ path: '/api/v1/public/par?year=2017' }) },
  // Tasks (docs/tasks.md): the task's scope (its units' subtrees) before the body.
  'GET /api/v1/tasks': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/tasks?unit=${f.unit}` }) },
  'GET /api/v1/tasks/stats': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/tasks/stats?unit=${f.unit}` }) },
  'GET /api/v1/tasks/stats.pdf': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/tasks/stats.pdf?unit=${f.unit}` }) },
  'GET /api/v1/tasks/stats.xlsx': { roles: STAFF, scope: 'unit', req: (f) => ({ path: `/api/v1/tasks/stats.xlsx?unit=${f.unit}` }) },
  'POST /api/v1/tasks': { roles: ['leader'], scope: 'unit', req: (f) => ({ path: '/api/v1/tasks',
    body: { assigner_unit: f.unit } }) },
  'GET /api/v1/tasks/{id}': { roles: STAFF, scope: 'dossier', req: (f) => ({ path: `/api/v1/tasks/${f.task}` }) },
  'GET /api/v1/tasks/{id}/events': { roles: STAFF, scope: 'dossier', req: (f) => ({
    path: `/api/v1/tasks/${f.task}/events` }) },
  'POST /api/v1/tasks/{id}/actions': { roles: ['specialist', 'leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/tasks/${f.task}/actions`, body: { action: 'khong_co' } }) },
  'POST /api/v1/tasks/{id}/subtasks': { roles: ['leader'], scope: 'dossier', req: (f) => ({
    path: `/api/v1/tasks/${f.task}/subtasks`, body: {} }) },
};

// Who calls: the demo accounts, and a supervisor and an administrator created
// at the district so that those roles have a unit out of their scope too. Root
// accounts have everything in scope; the administrators are also aimed at the
// root unit ('province').
const PRINCIPALS = [
  { user: null, role: null, targets: [['district', 'in'], ['department', 'in']] },
  { user: 'congdan', role: 'citizen', targets: [['own', 'in'], ['district', 'out']] },
  { user: 'tiepnhan', role: 'desk', targets: [['district', 'in'], ['department', 'out']] },
  { user: 'chuyenvien', role: 'specialist', targets: [['district', 'in'], ['department', 'out']] },
  { user: 'lanhdao', role: 'leader', targets: [['district', 'in'], ['department', 'out']] },
  { user: 'tiepnhan.stnmt', role: 'desk', targets: [['department', 'in'], ['district', 'out']] },
  { user: 'lanhdao.stnmt', role: 'leader', targets: [['department', 'in'], ['district', 'out']] },
  { user: 'giamsat.qx', role: 'supervisor', targets: [['district', 'in'], ['department', 'out']] },
  { user: 'admin.qx', role: 'admin', targets: [['district', 'in'], ['department', 'out'], ['province', 'out']] },
  { user: 'giamsat', role: 'supervisor', targets: [['district', 'in'], ['department', 'in']] },
  { user: 'admin', role: 'admin', root: true, targets: [['district', 'in'], ['department', 'in'], ['province', 'in']] },
];

let server;
let routes;
const tok = {};
const fx = {};

function counts() {
  const tables = ['dossier', 'event', 'dossier_document', 'app_user', 'unit', 'procedure', 'calendar_year',
    'calendar_day', 'apology', 'payment', 'rating', 'attachment', 'outbox', 'unit_plan', 'unit_successor',
    'doc_register', 'doc_counter', 'document', 'document_event', 'task', 'task_unit', 'task_event',
    'document_version', 'document_attachment', 'workfile', 'workfile_doc'];
  const q = `SELECT ${tables.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`;
  return JSON.parse(execFileSync('sqlite3', ['-json', server.db, q], { encoding: 'utf8' }))[0];
}

async function upload(token, tag) {
  const res = await server.api('POST', '/api/v1/attachments', { token, raw: pdf(tag),
    headers: { 'Content-Type': 'application/pdf' } });
  assertStatus(res, 201, 'upload');
  return res.body.sha256;
}

// A received dossier of the unit with a file, and an issued apology on it.
async function unitFixture(unit, procedure, desk, specialist, leader) {
  const sha = await upload(tok[desk], unit);
  const filed = await server.api('POST', '/api/v1/dossiers', { token: tok[desk], body: { procedure_code: procedure,
    channel: 'direct', unit, applicant: APPLICANT, documents: [{ name: 'Tờ khai', originals: 1, attachment: sha }] } });
  assertStatus(filed, 201, `filing at ${unit}`);
  const code = filed.body.code;
  const prep = await server.api('POST', `/api/v1/dossiers/${code}/apologies`, { token: tok[specialist],
    body: { reason: 'Chờ ý kiến thẩm định' } });
  assertStatus(prep, 201, `apology at ${unit}`);
  const issued = await server.api('POST', `/api/v1/dossiers/${code}/apologies/${prep.body.id}/issue`,
    { token: tok[leader] });
  assertStatus(issued, 200, `issuing at ${unit}`);
  return { unit, procedure, dossier: code, attachment: sha, apology: prep.body.id };
}

// The unit's outgoing register (the demo's, src/demo/documents.c), a draft of
// its specialist and a work file.
async function documentFixture(f, specialist, clerk) {
  f.register = (await demoRegisters(server, tok.admin))[`${f.unit} out`];
  const d = await server.api('POST', '/api/v1/documents', { token: tok[specialist], body: { type: 'cong_van',
    drafting_abbr: 'VP', subject: 'Kiểm tra quyền' } });
  assertStatus(d, 201, `a draft at ${f.unit}`);
  f.document = d.body.id;
  // A work file of the unit, listed by its clerk for its specialist.
  const me = await server.api('GET', '/api/v1/session', { token: tok[specialist] });
  const w = await server.api('POST', '/api/v1/workfiles', { token: tok[clerk], body: { year: 2026, code: '01.KTQ',
    title: 'Kiểm tra quyền', retention: 5, responsible: me.body.user.id } });
  assertStatus(w, 201, `a work file at ${f.unit}`);
  f.workfile = w.body.id;
}

before(async () => {
  routes = JSON.parse(execFileSync(BIN, ['routes', '--json'], { encoding: 'utf8' }));
  server = await startServer({ dossiers: 10 });
  for (const u of ['admin', 'giamsat', 'congdan', 'tiepnhan', 'chuyenvien', 'lanhdao', 'tiepnhan.stnmt',
    'chuyenvien.stnmt', 'lanhdao.stnmt']) tok[u] = await server.login(u);
  for (const [username, role] of [['giamsat.qx', 'supervisor'], ['admin.qx', 'admin']]) {
    const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username, password: PASSWORD,
      full_name: `Kiểm tra ${role}`, role, unit: DISTRICT } });
    assertStatus(res, 201, `creating ${username}`);
    tok[username] = await server.login(username);
  }
  fx.district = await unitFixture(DISTRICT, districtProcedure().code, 'tiepnhan', 'chuyenvien', 'lanhdao');
  fx.department = await unitFixture(DEPARTMENT, DEPT_PROCEDURE, 'tiepnhan.stnmt', 'chuyenvien.stnmt', 'lanhdao.stnmt');
  await documentFixture(fx.district, 'chuyenvien', 'tiepnhan');
  await documentFixture(fx.department, 'chuyenvien.stnmt', 'tiepnhan.stnmt');
  // A task of each unit, given by a leader of the province.
  assertStatus(await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username: 'lanhdao.tinh',
    password: PASSWORD, full_name: 'Kiểm tra lãnh đạo tỉnh', role: 'leader', unit: PROVINCE_UNIT } }), 201, 'province leader');
  tok['lanhdao.tinh'] = await server.login('lanhdao.tinh');
  for (const f of [fx.district, fx.department]) {
    const t = await server.api('POST', '/api/v1/tasks', { token: tok['lanhdao.tinh'], body: {
      directive: 'Chỉ thị kiểm tra quyền', title: 'Kiểm tra quyền', unit: f.unit, due_in_working_days: 10 } });
    assertStatus(t, 201, `a task of ${f.unit}`);
    f.task = t.body.id;
  }
  // The accounts the account routes aim at, and throwaway ones for resets.
  for (const [username, role, unit] of [['reset.qx', 'specialist', DISTRICT], ['reset.stnmt', 'specialist', DEPARTMENT],
    ['reset.tinh', 'supervisor', PROVINCE_UNIT]]) {
    const res = await server.api('POST', '/api/v1/users', { token: tok.admin, body: { username, password: PASSWORD,
      full_name: 'Kiểm tra đặt lại', role, unit } });
    assertStatus(res, 201, `creating ${username}`);
  }
  Object.assign(fx.district, { account: 'chuyenvien', resetAccount: 'reset.qx' });
  Object.assign(fx.department, { account: 'chuyenvien.stnmt', resetAccount: 'reset.stnmt' });
  // Procedures owned by each unit (the department's is in the demo), for the
  // administration routes; the root unit's target: the root unit itself, a
  // procedure owned by no unit, a new administrator, and the department's
  // dossier and file (out of scope of the district as well).
  const owned = await server.api('POST', '/api/v1/procedures', { token: tok.admin, body: { code: '2.997001',
    name: 'Thủ tục riêng của huyện', field: 'Kiểm tra', levels: 'district', duration_hours: 8, unit: DISTRICT } });
  assertStatus(owned, 201, 'a procedure of the district');
  fx.district.ownProcedure = owned.body.code;
  fx.department.ownProcedure = DEPT_PROCEDURE;
  fx.province = { ...fx.department, unit: PROVINCE_UNIT, ownProcedure: districtProcedure().code, role: 'admin',
    account: 'giamsat', resetAccount: 'reset.tinh' };
  assertStatus(await server.api('DELETE', '/api/v1/calendar/1950', { token: tok.admin }), 200, 'reverting 1950');
  // The citizen's own dossier, filed online with a file of their own.
  const sha = await upload(tok.congdan, 'congdan');
  const proc = districtProcedure({ online: true }).code;
  const own = await server.api('POST', '/api/v1/dossiers', { token: tok.congdan, body: { procedure_code: proc,
    channel: 'online', unit: DISTRICT, applicant: APPLICANT, documents: [{ name: 'Tờ khai', attachment: sha }] } });
  assertStatus(own, 201, 'the citizen files online');
  fx.own = { ...fx.district, procedure: proc, dossier: own.body.code, attachment: sha };
  // A reform-index framework of the district, and its council.
  const par = await server.api('POST', '/api/v1/par/frameworks', { token: tok.admin, body: { year: 2018, group: 'district',
    units: [DISTRICT], criteria: [{ code: '1', name: 'Kiểm tra quyền', max: 10, method: 'self' }] } });
  assertStatus(par, 201, 'a reform-index framework');
  assertStatus(await server.api('PUT', '/api/v1/par/council/giamsat', { token: tok.admin }), 204, 'the council');
  for (const f of [fx.district, fx.department, fx.province, fx.own]) f.par = par.body.id;
});

after(async () => {
  await stopServer(server);
});

const key = (r) => `${r.methods.join(',')} ${r.pattern}`;

test('every route of the route table has a rule, and every rule a route', () => {
  const keys = routes.map(key);
  const missing = keys.filter((k) => !(k in RULES));
  assert.deepEqual(missing, [], `routes without an authorisation rule in ${import.meta.url}: ${missing.join('; ')}`);
  const stale = Object.keys(RULES).filter((k) => !keys.includes(k));
  assert.deepEqual(stale, [], `rules for routes that no longer exist: ${stale.join('; ')}`);
});

test('the route table grants exactly the roles of the rules', () => {
  for (const r of routes) {
    const rule = RULES[key(r)];
    if (!rule) continue;
    if (rule.public) {
      assert.equal(r.auth, 'public', `${key(r)} needs no session`);
    } else {
      assert.equal(r.auth, 'session', `${key(r)} needs a session`);
      assert.deepEqual([...r.roles].sort(), [...rule.roles].sort(), `${key(r)}: roles`);
    }
  }
});

function expected(rule, p, scope) {
  if (rule.public) return { allowed: true };
  if (!p.role) return { status: 401, slug: 'unauthenticated' };
  if (!rule.roles.includes(p.role)) return { status: 403, slug: 'forbidden' };
  // The council's routes: its members, whatever their unit; others 403.
  if (rule.council) return p.user === 'giamsat' ? { allowed: true } : { status: 403, slug: 'forbidden' };
  if (rule.scope === 'root') return p.root ? { allowed: true } : { status: 403, slug: 'out-of-scope' };
  if (scope === 'in' || !rule.scope) return { allowed: true };
  const citizen = p.role === 'citizen';
  if (rule.scope === 'attachment') return { status: 404, slug: 'not-found' };
  if (rule.scope === 'unit') return citizen ? { allowed: true } : rule.outStaff || { status: 403, slug: 'out-of-scope' };
  if (citizen) return { status: 404, slug: 'not-found' };
  if (rule.out?.staff === 404) return { status: 404, slug: 'not-found' };
  return { status: 403, slug: 'out-of-scope' };
}

test('every route × role × scope gets its status', async () => {
  const before = counts();
  const failures = [];
  let n = 0;
  for (const r of routes) {
    const rule = RULES[key(r)];
    if (!rule) continue;
    for (const p of PRINCIPALS) {
      for (const [target, scope] of p.targets) {
        const f = fx[target];
        const req = rule.req(f, p);
        let token = p.user ? tok[p.user] : undefined;
        if (rule.fresh && token) token = await server.login(p.user);
        const res = await server.api(r.methods[0], req.path, { token, body: req.body, raw: req.raw,
          headers: req.headers || {} });
        n++;
        const want = expected(rule, p, scope);
        const who = `${r.methods[0]} ${req.path} as ${p.user || 'anonymous'} (${p.role || '-'}, ${scope} scope)`;
        if (want.allowed) {
          if (res.status === 401 || res.status === 403 || res.status >= 500)
            failures.push(`${who}: allowed, got ${res.status} ${res.text.slice(0, 200)}`);
        } else if (res.status !== want.status || res.body?.type !== `urn:motcua:problem:${want.slug}`) {
          failures.push(`${who}: expected ${want.status} ${want.slug}, got ${res.status} ${res.text.slice(0, 200)}`);
        }
      }
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${n} requests:\n${failures.join('\n')}`);
  // Only sessions may have changed (the throwaway ones of DELETE /api/v1/session).
  assert.deepEqual(counts(), before, 'the matrix changed data');
  // The sessions used throughout are still valid.
  assertStatus(await server.api('GET', '/api/v1/session', { token: tok.tiepnhan }), 200, 'session kept');
});
