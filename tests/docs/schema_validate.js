// schema_validate.js - the scenario schema checked by a validator that is not
// mockrun's: ajv (draft 2020-12), with mockrun --check beside it.
//
//   node schema_validate.js MOCKRUN SOURCE_DIR AJV_DIR
//
// 1. `mockrun schema` must compile under ajv's strict mode (less strictRequired,
//    which refuses `required` in a oneOf branch that has no `properties`).
// 2. Every *.json of examples/ and tests/e2e/cases/ that `mockrun --check`
//    accepts (with the files a case's `args` load with it) must validate (the
//    schema is never stricter than the loader); the ones it refuses (invalid-*
//    cases, fixtures), Mockoon environments and WireMock mappings (which
//    mockrun runs as they are) are skipped. So must what mockrun writes itself: `mockrun init`'s starter
//    and an `--import-mockoon` conversion.
// 3. Each sample in tests/docs/schema-invalid/ must be refused by both
//    `mockrun --check` and ajv (its "description" says what is wrong).
// Prints one line per problem and a summary; exits 1 on any problem.
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

if (process.argv.length !== 5) {
    console.error('usage: node schema_validate.js MOCKRUN SOURCE_DIR AJV_DIR');
    process.exit(2);
}
// absolute: mockrun --check runs in each scenario's folder
const [mockrun, src, ajvDir] = process.argv.slice(2).map((p) => path.resolve(p));
const Ajv2020 = require(path.join(ajvDir, 'dist', '2020')).default;

const problems = [];
const rel = (f) => path.relative(src, f);

function mockrunRun(args, cwd) {
    const r = spawnSync(mockrun, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.error) throw r.error;
    return r;
}

// 1. the schema, compiled strictly: an unknown keyword or a type mistake in
// scenarios/schema.c fails here
const printed = mockrunRun(['schema']);
if (printed.status !== 0) {
    console.log(`schema: 'mockrun schema' exited ${printed.status}: ${printed.stderr}`);
    process.exit(1);
}
let validate;
try {
    const ajv = new Ajv2020({ strict: true, strictRequired: false, allowUnionTypes: true, allErrors: true });
    validate = ajv.compile(JSON.parse(printed.stdout));
} catch (e) {
    console.log(`schema: ajv refuses the schema 'mockrun schema' prints: ${e.message}`);
    process.exit(1);
}

function errorsOf(doc) {
    if (validate(doc)) return [];
    return validate.errors.map((e) => `${e.instancePath || '/'} ${e.message}` +
        (e.params && e.params.additionalProperty ? ` ("${e.params.additionalProperty}")` : ''));
}

function parse(file) {
    try {
        return JSON.parse(fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
    } catch (e) {
        return undefined;
    }
}

// 2. what mockrun accepts validates
function jsonFiles(dir, depth) {
    let out = [];
    for (const ent of fs.readdirSync(dir, { withFileTypes: true })) {
        const f = path.join(dir, ent.name);
        if (ent.isDirectory() && depth > 0) out = out.concat(jsonFiles(f, depth - 1));
        else if (ent.isFile() && ent.name.endsWith('.json')) out.push(f);
    }
    return out.sort();
}

const candidates = jsonFiles(path.join(src, 'examples'), 1)
    .concat(jsonFiles(path.join(src, 'tests', 'e2e', 'cases'), 4));
let valid = 0;
let skipped = 0;
// an e2e case's scenario.json is checked with the files its `args` load
// beside it (several-files: another file's routes and services)
function companions(file) {
    const args = path.join(path.dirname(file), 'args');
    if (path.basename(file) !== 'scenario.json' || !fs.existsSync(args)) return [];
    return fs.readFileSync(args, 'utf8').split(/\s+/)
        .filter((w) => w.endsWith('.json') && fs.existsSync(path.join(path.dirname(file), w)));
}

for (const file of candidates) {
    const check = mockrunRun(['--check', ...companions(file), path.basename(file)],
        path.dirname(file));
    // 1: valid, but its mocks disagree with their OpenAPI document: still a scenario
    if (check.status !== 0 && check.status !== 1) {
        if (check.status !== 2)
            problems.push(`${rel(file)}: mockrun --check exited ${check.status}: ${check.stderr.trim()}`);
        skipped++;
        continue;
    }
    const doc = parse(file);
    // a Mockoon environment or WireMock mappings (mockrun runs them as they
    // are) are not scenarios
    if (doc && typeof doc === 'object' && ('lastMigration' in doc ||
        ('uuid' in doc && 'endpointPrefix' in doc) || 'mappings' in doc ||
        ('request' in doc && 'response' in doc))) {
        skipped++;
        continue;
    }
    const errors = doc === undefined ? ['not JSON to JSON.parse'] : errorsOf(doc);
    for (const e of errors)
        problems.push(`${rel(file)}: mockrun --check accepts it, the schema does not: ${e}`);
    valid++;
}
if (valid < 40)
    problems.push(`only ${valid} scenarios passed mockrun --check; expected the examples and e2e cases (40 or more)`);

// ... and so does what mockrun writes
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mockrun-schema.'));
try {
    const written = [];
    const init = mockrunRun(['init'], tmp);
    if (init.status !== 0)
        problems.push(`mockrun init exited ${init.status}: ${init.stderr.trim()}`);
    else
        written.push(['mockrun init', path.join(tmp, 'scenario.json')]);
    const env = path.join(src, 'tests', 'e2e', 'cases', 'import-mockoon', 'env.json');
    const imported = mockrunRun(['--import-mockoon', env], tmp);
    if (imported.status !== 0) {
        problems.push(`mockrun --import-mockoon exited ${imported.status}: ${imported.stderr.trim()}`);
    } else {
        fs.writeFileSync(path.join(tmp, 'imported.json'), imported.stdout);
        written.push(['mockrun --import-mockoon', path.join(tmp, 'imported.json')]);
    }
    for (const [what, file] of written) {
        const doc = parse(file);
        const errors = doc === undefined ? ['not JSON'] : errorsOf(doc);
        for (const e of errors) problems.push(`${what}: the scenario it wrote does not validate: ${e}`);
        if (!errors.length) valid++;
    }
} finally {
    fs.rmSync(tmp, { recursive: true, force: true });
}

// 3. what both refuse
const invalidDir = path.join(src, 'tests', 'docs', 'schema-invalid');
const samples = jsonFiles(invalidDir, 0);
for (const file of samples) {
    const check = mockrunRun(['--check', path.basename(file)], invalidDir);
    if (check.status !== 2)
        problems.push(`${rel(file)}: mockrun --check exited ${check.status}, expected 2 (refused)`);
    const doc = parse(file);
    if (doc !== undefined && !errorsOf(doc).length)
        problems.push(`${rel(file)}: the schema accepts it; it should refuse it`);
}
if (samples.length < 3) problems.push(`${rel(invalidDir)}: expected at least 3 invalid samples`);

for (const p of problems) console.log(`schema: ${p}`);
console.log(`schema: ${valid} scenarios validate (${skipped} files that mockrun --check refuses skipped); ` +
    `${samples.length} invalid samples refused by both; ${problems.length} problems`);
process.exit(problems.length ? 1 : 0);
