import json, os, sys, hashlib
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from communes import D
from vocab import DEPT, DISTRICT, COMMUNE

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'data', 'demo') + '/'
prov = json.load(open(ROOT + 'province.json'))

def h(s, n):
    return int(hashlib.sha256(s.encode()).hexdigest(), 16) % n

# ---- units: one-stop attributes -------------------------------------------
DEPT_E = {'04': '2016-03-15', '06': '2016-09-12', '07': '2016-10-03', '08': '2016-04-18',
          '10': '2016-01-11', '12': '2016-06-20', '20': '2015-11-16'}
NO_E = {49: '2017-09-15', 50: None, 51: None, 52: None, 53: None, 54: None, 55: None}
E_COMMUNE = {30: '2017-02-20', 31: '2017-03-06', 33: '2017-02-13', 34: '2017-03-13', 41: '2017-03-20', 46: '2017-03-27'}
WITHOUT = {'xã Mường Lý', 'xã Trung Xuân'}

def district_e(dd):
    if dd in NO_E:
        return NO_E[dd]
    return ['2015-06-01', '2015-09-14', '2015-12-07', '2016-03-21', '2016-07-04'][dd % 5]

for u in prov['units']:
    for k in ('one_stop_since', 'electronic_one_stop_since'):
        u.pop(k, None)
    parts = u['code'].split('.')
    if u['level'] == 'department':
        u['one_stop_since'] = '2008-06-02'
        e = DEPT_E.get(parts[2])
        if e:
            u['electronic_one_stop_since'] = e
    elif u['level'] == 'district':
        u['one_stop_since'] = '2008-06-02'
        e = district_e(int(parts[2]))
        if e:
            u['electronic_one_stop_since'] = e
    elif u['level'] == 'commune':
        dd = int(parts[2])
        u['one_stop_since'] = '2009-01-05'
        if dd in E_COMMUNE:
            u['electronic_one_stop_since'] = E_COMMUNE[dd]
with open(ROOT + 'province.json', 'w') as f:
    f.write(json.dumps(prov, ensure_ascii=False, indent=1) + '\n')

existing = {}
for u in prov['units']:
    if u['level'] == 'commune':
        existing.setdefault(int(u['code'].split('.')[2]), []).append(u['name'][5:])
districts = []
for dd, (n, names) in sorted(D.items()):
    new = [x for x in names if x not in existing.get(dd, [])]
    assert len(new) + len(existing.get(dd, [])) == n
    districts.append({
        'district': f'000.00.{dd}.H56',
        'one_stop_since': '2009-01-05',
        'electronic_one_stop_since': E_COMMUNE.get(dd),
        'without_one_stop': [x for x in new if x in WITHOUT],
        'communes': new,
    })
communes = {
    'about': 'The communes, wards and townships (xã, phường, thị trấn) of Thanh Hóa in 2017 beyond those listed in '
             'province.json: 635 in all, as report 6366/BC-UBND counts them. Names are real where known, plausible '
             'otherwise. Each district\'s communes are numbered after those of province.json (code 000.NN.DD.H56); '
             'the dates say since when the one-stop mechanism and the electronic one-stop system run there '
             '(null: not yet); the communes in without_one_stop have no one-stop desk.',
    'districts': districts,
}
with open(ROOT + 'communes.json', 'w') as f:
    f.write(json.dumps(communes, ensure_ascii=False, indent=1) + '\n')

# ---- catalogue ------------------------------------------------------------
def expand(names):
    out = []
    for n in names:
        if n.startswith('Cấp lại '):
            out += [n + ' do bị mất, bị hỏng', n + ' do hết hạn']
        else:
            out.append(n)
        if n.startswith('Cấp ') and not n.startswith(('Cấp lại', 'Cấp đổi', 'Cấp bản sao', 'Cấp phép', 'Cấp mã')):
            out.append('Thu hồi ' + n[4:])
    return out

detailed_in_force = 0
lv = {2: 0, 3: 0, 4: 0}
for p in prov['procedures']:
    days = sorted(x['date'] for x in p['publications'])
    abolished = any(x['kind'] == 'abolished' and x['date'] <= '2017-06-30' for x in p['publications'])
    if days and days[0] <= '2017-06-30' and not abolished:
        detailed_in_force += 1
        lv[p['online_level']] += 1
print('detailed in force', detailed_in_force, lv)
TARGET = {2: 1816 - lv[2], 3: 39 - lv[3], 4: 3 - lv[4]}
N_FORCE = sum(TARGET.values())

groups = []   # (field, levels, owner, [names])
for dept, fields in DEPT.items():
    for field, names in fields:
        groups.append([field, ['department'], f'000.00.{dept}.H56', expand(names)])
for field, names in DISTRICT:
    groups.append([field, ['district'], None, names])
for field, names in COMMUNE:
    groups.append([field, ['commune'], None, names])
pool = sum(len(g[3]) for g in groups)
print('pool', pool, 'needed in force', N_FORCE)
# Fill the gap with "... cho tổ chức" / "... cho cá nhân" splits of plain grants.
gap = N_FORCE - pool
for g in groups:
    if gap <= 0:
        break
    if g[1] != ['department']:
        continue
    extra = []
    for n in g[3]:
        if gap <= 0:
            break
        if n.startswith('Cấp giấy') and 'cho ' not in n and 'đối với' not in n:
            extra.append(n + ' cho tổ chức, doanh nghiệp')
            gap -= 1
            if gap > 0:
                extra.append(n + ' cho hộ kinh doanh, cá nhân')
                gap -= 1
    g[3] += extra
pool = sum(len(g[3]) for g in groups)
assert pool >= N_FORCE, (pool, N_FORCE)

# Decisions: the standardisation of each department (2015-2016) and the H1 2017 decisions.
decisions = {}
def decision(key, text, date):
    decisions[key] = [text, date]
    return key
std_dates = ['2015-11-20', '2016-01-25', '2016-03-14', '2016-04-12', '2016-05-30', '2016-07-18', '2016-09-05',
             '2016-10-24', '2016-12-12']
h1 = [('2017-01-11', 112), ('2017-01-19', 215), ('2017-02-17', 486), ('2017-03-02', 668), ('2017-03-24', 912),
      ('2017-04-10', 1187), ('2017-04-27', 1402), ('2017-05-08', 1543), ('2017-05-29', 1797), ('2017-06-19', 2084),
      ('2017-06-26', 2183), ('2017-06-30', 2275)]
later = [('2017-08-15', 2981), ('2017-10-02', 3512)]
for i, (date, no) in enumerate(h1 + later):
    decision(f'{date[:4]}-{no}', f'Quyết định {no}/QĐ-UBND', date)

def std_decision(owner_key, idx):
    date = std_dates[idx % len(std_dates)]
    no = 300 + idx * 397 % 4600
    return decision(f'{date[:4]}-{no}', f'Quyết định {no}/QĐ-UBND', date)

# Assign every name a record; then mark the H1 2017 kinds on a spread of them.
records = []
code_no = 280001
gi = 0
for g in groups:
    field, levels, owner, names = g
    key = owner or levels[0]
    sd = std_decision(key, gi)
    gi += 1
    for n in names:
        records.append({'code': f'T-THA-{code_no}', 'name': n, 'field': field, 'levels': levels, 'owner': owner,
                        'std': sd, 'status': 'active', 'pubs': []})
        code_no += 1
# Keep N_FORCE in-force records, spread over the groups.
if len(records) > N_FORCE:
    drop = len(records) - N_FORCE
    step = len(records) / drop
    idx = {int(i * step) for i in range(drop)}
    spare = [r for i, r in enumerate(records) if i in idx]
    records = [r for i, r in enumerate(records) if i not in idx]
else:
    spare = []
assert len(records) == N_FORCE

def pick(n, salt, pred=lambda r: True):
    cand = [r for r in records if not r['pubs'] and pred(r)]
    cand.sort(key=lambda r: h(salt + r['code'], 1 << 30))
    return cand[:n]

def h1_decision(r, salt):
    date, no = h1[h(salt + (r['owner'] or r['levels'][0]), len(h1))]
    return f'{date[:4]}-{no}'

for r in pick(26, 'std'):
    r['pubs'] = [['standardised', h1_decision(r, 's')]]
for r in pick(8, 'new'):
    r['pubs'] = [['new', h1_decision(r, 'n')]]
for r in pick(48, 'mod'):
    r['pubs'] = [['standardised', r['std']], ['modified', h1_decision(r, 'm')]]
# Abolished after the period: still in force on 30/6/2017.
for r in pick(7, 'later'):
    r['pubs'] = [['standardised', r['std']], ['abolished', '2017-3512']]
    r['status'] = 'abolished'
# Modified after the period.
for r in pick(12, 'later-mod'):
    r['pubs'] = [['standardised', r['std']], ['modified', '2017-2981']]
for r in records:
    if not r['pubs']:
        r['pubs'] = [['standardised', r['std']]]

# Online levels among the records in force on 30/6/2017 (all of them).
def prefer3(r):
    return r['field'] in ('Thành lập và hoạt động của doanh nghiệp', 'Đầu tư tại Việt Nam', 'Hộ tịch',
                          'Lưu thông hàng hóa trong nước', 'Đăng ký kinh doanh', 'Việc làm', 'Xuất bản, in và phát hành')
for r in records:
    r['online_level'] = 2
lvl4 = [r for r in records if r['field'] == 'Thành lập và hoạt động của doanh nghiệp' and r['status'] == 'active']
for r in lvl4[:TARGET[4]]:
    r['online_level'] = 4
c3 = [r for r in records if prefer3(r) and r['online_level'] == 2]
c3.sort(key=lambda r: h('l3' + r['code'], 1 << 30))
for r in c3[:TARGET[3]]:
    r['online_level'] = 3

# Abolished in the period: 126 old procedures replaced or dropped (names of the spare pool first, then
# older versions of procedures still in force).
ab = []
src = spare + sorted(records, key=lambda r: h('ab' + r['code'], 1 << 30))
for r in src[:126]:
    ab.append({'code': f'T-THA-{code_no}', 'name': r['name'], 'field': r['field'], 'levels': r['levels'],
               'owner': r['owner'], 'std': r['std'], 'status': 'abolished', 'online_level': 2,
               'pubs': [['standardised', r['std']], ['abolished', h1_decision(r, 'a')]]})
    code_no += 1
allrec = records + ab

# Durations in working days by level.
def duration(r):
    if r['levels'] == ['commune']:
        return [1, 2, 3, 5][h('d' + r['code'], 4)]
    if r['levels'] == ['district']:
        return [3, 5, 7, 10, 15][h('d' + r['code'], 5)]
    return [5, 7, 10, 15, 20, 30][h('d' + r['code'], 6)]

out_groups = {}
for r in allrec:
    key = (r['field'], tuple(r['levels']), r['owner'])
    out_groups.setdefault(key, []).append([r['code'], r['name'], r['online_level'], duration(r), r['status'],
                                           r['pubs']])
cat = {
    'about': 'The rest of the procedure catalogue of the demo province, beside the detailed procedures of '
             'province.json: entries as the national procedure database lists them (code, name, field, level, '
             'owner, online level, statutory days, status, publication history). Each procedure is '
             '[code, name, online_level, working_days, status, [[kind, decision], ...]]; decisions are '
             '[notation, date]. Built so that the first half of 2017 holds the publications report '
             '6366/BC-UBND states: 26 standardised, 8 new, 54 modified, 129 abolished (with the detailed '
             'ones), and 1.816 / 39 / 3 online services at levels 2 / 3 / 4 on 30/6/2017.',
    'decisions': dict(sorted(decisions.items())),
    'groups': [{'field': k[0], 'levels': list(k[1]), 'owner': k[2], 'procedures': v}
               for k, v in out_groups.items()],
}
s = json.dumps(cat, ensure_ascii=False, indent=1)
# One procedure a line keeps the file readable and small.
import re
lines = []
with open(ROOT + 'catalogue.json', 'w') as f:
    f.write('{\n "about": %s,\n "decisions": {\n' % json.dumps(cat['about'], ensure_ascii=False))
    f.write(',\n'.join('  %s: %s' % (json.dumps(k), json.dumps(v, ensure_ascii=False)) for k, v in cat['decisions'].items()))
    f.write('\n },\n "groups": [\n')
    for i, g in enumerate(cat['groups']):
        f.write('  {"field": %s, "levels": %s, "owner": %s, "procedures": [\n' % (
            json.dumps(g['field'], ensure_ascii=False), json.dumps(g['levels']), json.dumps(g['owner'])))
        f.write(',\n'.join('   ' + json.dumps(p, ensure_ascii=False) for p in g['procedures']))
        f.write('\n  ]}' + (',' if i + 1 < len(cat['groups']) else '') + '\n')
    f.write(' ]\n}\n')
json.load(open(ROOT + 'catalogue.json'))
# Checks.
from collections import Counter
print('records', len(allrec), 'in force', len(records), Counter(r['online_level'] for r in records))
k = Counter(p[0] for r in allrec for p in r['pubs'] if decisions[p[1]][1] >= '2017-01-01' and decisions[p[1]][1] <= '2017-06-30')
print('H1 generated', k)
