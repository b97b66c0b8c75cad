import { DIMENSION_NAMES_ZH, type Dimension } from '../intake/dimensions';

/**
 * The printable page of a portfolio (综合素质档案), server-rendered in Chinese with print CSS
 * (A4, page breaks between sections). Built from the document only — for a sealed version, the
 * sealed snapshot — so the page shows exactly what was sealed, with its SHA-256 and how to check it.
 */
type Json = Record<string, unknown>;

const escapeHtml = (value: unknown): string =>
  String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const cell = (value: unknown): string => (value === null || value === undefined || value === '' ? '—' : escapeHtml(value));
const dimensionZh = (dimension: unknown): string => DIMENSION_NAMES_ZH[dimension as Dimension] ?? String(dimension ?? '');
const SEX_ZH: Record<string, string> = { '1': '男', '2': '女' };
const STATUS_ZH: Record<string, string> = { compiled: '已汇总（未确认）', student_confirmed: '学生已确认', commented: '班主任已评语', signed_off: '学校已审核', sealed: '已封存' };
const ROLE_ZH: Record<string, string> = { organiser: '主持策划者', main_participant: '主要参与者', participant: '参与者' };
const LEVEL_ZH: Record<string, string> = { school: '校级', district: '区县级', city: '市级', province: '省级', national: '国家级' };
const ART_LEVEL_ZH: Record<string, string> = { excellent: '优秀', good: '良好', pass: '合格', fail: '不合格' };
const CATEGORY_ZH: Record<string, string> = { family: '家庭', school: '学校', social: '社会' };
const FITNESS_STATUS_ZH: Record<string, string> = { scored: '已测', incomplete: '未测完', exempt: '免予执行', deferred: '暂缓' };
const GROWTH_BAND_ZH: Record<string, string> = { low: '低于常模（SGP<35）', typical: '常模范围（SGP 35–65）', high: '高于常模（SGP>65）' };
const GRADE_LEVEL_ZH: Record<string, string> = { A: 'A 优秀', B: 'B 良好', C: 'C 合格', D: 'D 待合格' };

function table(headers: string[], rows: unknown[][]): string {
  if (rows.length === 0) return '<p class="empty">暂无记录</p>';
  return `<table><thead><tr>${headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows
    .map((row) => `<tr>${row.map((value) => `<td>${cell(value)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

function section(title: string, body: string): string {
  return `<section><h2>${escapeHtml(title)}</h2>${body}</section>`;
}

export function renderPortfolioHtml(document: Json, meta: { status: string; contentSha256: string | null; superseded: boolean }): string {
  const student = (document.student ?? {}) as Json;
  const school = (student.school ?? {}) as Json;
  const portfolio = (document.portfolio ?? {}) as Json;
  const sections = (document.sections ?? {}) as Record<string, Json>;
  const classes = (student.classes ?? []) as Json[];
  const latestClass = classes[classes.length - 1];
  const parts: string[] = [];

  const activity = sections.activityRecords ?? {};
  const byDimension = (activity.byDimension ?? {}) as Record<string, { count: number; hours: number }>;
  parts.push(
    section(
      '一、写实记录（已公示确认）',
      `<p class="summary">${Object.entries(byDimension)
        .map(([dimension, totals]) => `${dimensionZh(dimension)}：${totals.count}项，${totals.hours}小时`)
        .join('；')}</p>` +
        table(
          ['学期', '维度', '类型', '标题', '级别', '角色', '日期', '时长（小时）', '组织单位', '获奖'],
          ((activity.items ?? []) as Json[]).map((r) => [r.term, dimensionZh(r.dimension), r.recordType, r.title, LEVEL_ZH[r.level as string] ?? r.level, ROLE_ZH[r.role as string] ?? r.role, r.endDate && r.endDate !== r.startDate ? `${r.startDate}至${r.endDate}` : r.startDate, r.hours, r.organiser, r.awardRank]),
        ),
    ),
  );

  const evaluation = sections.evaluation ?? {};
  const graduation = evaluation.graduation as Json | null | undefined;
  const gradDims = ((graduation?.dimensions ?? []) as Json[]);
  parts.push(
    section(
      '二、综合素质评价结果',
      evaluation.available === false
        ? `<p class="empty">${escapeHtml(evaluation.noteZh ?? '暂无评价结果')}</p>`
        : table(
            ['学期', ...Object.values(DIMENSION_NAMES_ZH)],
            ((evaluation.terms ?? []) as Json[]).map((t) => [t.term, ...Object.keys(DIMENSION_NAMES_ZH).map((d) => GRADE_LEVEL_ZH[((t.levels ?? {}) as Json)[d] as string] ?? ((t.levels ?? {}) as Json)[d])]),
          ) +
            (graduation
              ? `<h3>毕业评价</h3>${table(
                  ['维度', '等级'],
                  gradDims.map((d) => [dimensionZh(d.dimension), GRADE_LEVEL_ZH[d.level as string] ?? d.level]),
                )}`
              : ''),
    ),
  );

  const fitness = sections.fitness ?? {};
  const fitnessGraduation = fitness.graduation as Json | null | undefined;
  parts.push(
    section(
      '三、体质健康（国家学生体质健康标准）',
      table(
        ['学年', '年级', '状态', '等级'],
        ((fitness.years ?? []) as Json[]).map((y) => [y.schoolYear, y.gradeCode, FITNESS_STATUS_ZH[y.status as string] ?? y.status, y.level]),
      ) + (fitnessGraduation ? `<p class="summary">毕业成绩等级（以${escapeHtml(fitnessGraduation.finalYear)}学年为毕业学年）：${cell(fitnessGraduation.level)}</p>` : ''),
    ),
  );

  const art = sections.art ?? {};
  parts.push(
    section(
      '四、艺术素质测评',
      table(
        ['学期', '测评等级'],
        ((art.assessments ?? []) as Json[]).map((a) => [a.term, a.complete ? (ART_LEVEL_ZH[a.level as string] ?? a.level) : '测评不完整']),
      ),
    ),
  );

  const labour = sections.labour ?? {};
  parts.push(
    section(
      '五、劳动素养',
      table(
        ['学期', '项目', '类别', '内容', '日期', '数值', '确认人'],
        ((labour.items ?? []) as Json[]).map((i) => [i.term, i.nameZh, CATEGORY_ZH[i.category as string] ?? i.category, i.item, i.date, i.marker ?? i.value, i.attestedBy]),
      ),
    ),
  );

  const growth = sections.growth ?? {};
  parts.push(
    section(
      '六、成长情况',
      table(
        ['指标', '成长情况'],
        ((growth.entries ?? []) as Json[]).map((e) => [e.indicator, GROWTH_BAND_ZH[e.growthBand as string] ?? e.growthBand]),
      ),
    ),
  );

  const comment = document.classTeacherComment as Json | null;
  const signature = (label: string, stepValue: unknown) => {
    const s = stepValue as Json | null;
    return `<div class="sign"><span>${label}</span><span>${s ? `${escapeHtml(String(s.at).slice(0, 10))}` : '未完成'}</span></div>`;
  };
  parts.push(
    section(
      '七、确认与审核',
      `<div class="comment"><h3>班主任评语</h3><p>${comment ? escapeHtml(comment.text) : '（尚无评语）'}</p></div>` +
        signature('学生确认', document.studentConfirmation) +
        signature('班主任评语', document.classTeacherComment) +
        signature('学校审核', document.schoolSignOff) +
        signature('封存', document.sealed),
    ),
  );

  const verify =
    meta.status === 'sealed'
      ? `<p>本档案已封存。内容哈希（SHA-256）：<code>${escapeHtml(meta.contentSha256)}</code></p><p>核验方法：下载 <code>/api/portfolios/${escapeHtml(portfolio.id)}/snapshot</code>，计算其 SHA-256（如 <code>sha256sum</code>），与上述哈希比对；或调用 <code>/api/portfolios/${escapeHtml(portfolio.id)}/verify</code>。</p>`
      : `<p class="draft">本档案尚未封存（${escapeHtml(STATUS_ZH[meta.status] ?? meta.status)}），内容可能变化。</p>`;

  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>综合素质档案 · ${escapeHtml(student.name)} · 第${escapeHtml(portfolio.version)}版</title>
<style>
  body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", SimSun, serif; color: #111; margin: 2em auto; max-width: 60em; line-height: 1.5; }
  h1 { text-align: center; font-size: 1.6em; letter-spacing: 0.2em; margin-bottom: 0.2em; }
  .subtitle { text-align: center; color: #444; margin-top: 0; }
  h2 { font-size: 1.15em; border-bottom: 1px solid #333; padding-bottom: 0.2em; margin-top: 1.6em; }
  h3 { font-size: 1em; }
  table { width: 100%; border-collapse: collapse; font-size: 0.9em; }
  th, td { border: 1px solid #555; padding: 0.25em 0.4em; text-align: left; vertical-align: top; }
  th { background: #eee; }
  dl.identity { display: grid; grid-template-columns: max-content 1fr max-content 1fr; gap: 0.2em 1em; }
  dl.identity dt { font-weight: bold; }
  dl.identity dd { margin: 0; }
  .empty { color: #666; }
  .sign { display: flex; justify-content: space-between; border-bottom: 1px dotted #999; padding: 0.4em 0; }
  .draft { color: #a00; font-weight: bold; }
  .superseded { color: #a00; }
  footer { margin-top: 2em; font-size: 0.85em; color: #333; word-break: break-all; }
  @page { size: A4; margin: 18mm 15mm; }
  @media print {
    body { margin: 0; max-width: none; }
    section { break-inside: avoid-page; }
    tr { break-inside: avoid; }
    thead { display: table-header-group; }
    a { color: inherit; text-decoration: none; }
  }
</style>
</head>
<body>
<h1>学生综合素质档案</h1>
<p class="subtitle">第${escapeHtml(portfolio.version)}版${meta.superseded ? '<span class="superseded">（已被新版本取代）</span>' : ''}${portfolio.reopenReason ? ` · 重新开启原因：${escapeHtml(portfolio.reopenReason)}` : ''}</p>
<dl class="identity">
  <dt>姓名</dt><dd>${cell(student.name)}</dd>
  <dt>性别</dt><dd>${cell(SEX_ZH[student.sexCode as string] ?? student.sexCode)}</dd>
  <dt>学籍号</dt><dd>${cell(student.studentNumber)}</dd>
  <dt>出生日期</dt><dd>${cell(student.birthDate)}</dd>
  <dt>学校</dt><dd>${cell(school.name)}（${cell(school.code)}）</dd>
  <dt>班级</dt><dd>${latestClass ? `${cell(latestClass.className)}（${cell(latestClass.termCode)}）` : '—'}</dd>
</dl>
${parts.join('\n')}
<footer>${verify}</footer>
</body>
</html>
`;
}
