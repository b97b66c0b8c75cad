/** Chinese first, English on request: one dictionary, the choice kept in localStorage. */
export type Lang = 'zh' | 'en';

const DICTIONARY = {
  appName: ['五育 综合素质评价', 'Wuyu quality evaluation'],
  signIn: ['登录', 'Sign in'],
  signOut: ['退出', 'Sign out'],
  username: ['用户名', 'Username'],
  password: ['密码', 'Password'],
  signInFailed: ['登录失败', 'Sign-in failed'],
  language: ['English', '中文'],
  loading: ['加载中…', 'Loading…'],
  noData: ['暂无数据', 'No data'],
  all: ['全部', 'All'],
  // navigation
  navValueAdded: ['增值评价总览', 'Value-added overview'],
  navMethods: ['方法比较', 'Method comparison'],
  navStability: ['年度稳定性', 'Year-over-year stability'],
  navFitness: ['体质健康', 'Fitness'],
  navAudit: ['审计日志', 'Audit log'],
  navSchool: ['学校页面', 'School'],
  navUploads: ['数据上传', 'Uploads'],
  navStudent: ['学生成长档案', 'Student growth profile'],
  navReview: ['写实记录审核', 'Record review'],
  reviewQueue: ['审核队列', 'Review queue'],
  integrityQueue: ['诚信复核队列（未处理）', 'Integrity flags (open)'],
  term: ['学期', 'Term'],
  dimension: ['维度', 'Dimension'],
  recordTitle: ['记录标题', 'Title'],
  startDate: ['开始日期', 'Start date'],
  hours: ['时长(小时)', 'Hours'],
  onBehalf: ['教师代录', 'Entered by teacher'],
  confirmedByStudent: ['学生已确认', 'Confirmed by the student'],
  awaitingStudent: ['待学生确认', 'Awaiting the student'],
  integrityFlags: ['诚信提示', 'Integrity flags'],
  status: ['状态', 'Status'],
  rule: ['规则', 'Rule'],
  returnReason: ['退回修改的意见（必填）：', 'Why is it returned (required)?'],
  rejectReason: ['不予通过的理由（必填）：', 'Why is it rejected (required)?'],
  action_verify: ['审核通过', 'Verify'],
  action_return: ['退回修改', 'Return'],
  action_reject: ['不予通过', 'Reject'],
  action_select: ['遴选', 'Select'],
  status_DRAFT: ['草稿', 'Draft'],
  status_SUBMITTED: ['待审核', 'Submitted'],
  status_RETURNED: ['已退回', 'Returned'],
  status_VERIFIED: ['审核通过', 'Verified'],
  status_REJECTED: ['不予通过', 'Rejected'],
  status_SELECTED: ['已遴选', 'Selected'],
  status_IN_PUBLICITY: ['公示中', 'In publicity'],
  status_CONFIRMED: ['已确认', 'Confirmed'],
  dim_moral: ['德', 'Moral'],
  dim_academic: ['智', 'Academic'],
  dim_physical: ['体', 'Physical'],
  dim_aesthetic: ['美', 'Aesthetic'],
  dim_labour: ['劳', 'Labour'],
  student: ['学生', 'Student'],
  studentName: ['学生姓名', 'Student name'],
  growthOverTerms: ['各学期的成绩、百分等级与成长百分位（SGP）', 'Values, percentile ranks and SGPs over terms'],
  occasion: ['学期/考试', 'Term / exam'],
  zScore: ['标准分', 'z-score'],
  percentileRank: ['百分等级', 'Percentile rank'],
  // value-added
  study: ['研究', 'Study'],
  run: ['运行', 'Run'],
  model: ['模型', 'Model'],
  subject: ['学科', 'Subject'],
  schoolYear: ['学年', 'School year'],
  district: ['区县', 'District'],
  stage: ['学段', 'School stage'],
  school: ['学校', 'School'],
  schoolCode: ['学校标识码', 'School code'],
  className: ['班级', 'Class'],
  groupSize: ['人数', 'Group size'],
  estimate: ['增值估计', 'Estimate'],
  se: ['标准误', 'Std. error'],
  ciLow: ['95%区间下限', '95% CI low'],
  ciHigh: ['95%区间上限', '95% CI high'],
  interval: ['95%置信区间', '95% interval'],
  category: ['类别', 'Category'],
  rank: ['位次(1=最低)', 'Rank (1 = lowest)'],
  reliability: ['信度', 'Reliability'],
  caterpillar: ['各校增值估计及95%置信区间（由低到高）', 'Estimates with 95% intervals, lowest to highest'],
  funnel: ['漏斗图：估计值与人数', 'Funnel: estimate against group size'],
  categoryCounts: ['类别计数', 'Category counts'],
  groupsTable: ['增值评价结果', 'Value-added results'],
  minGroupNote: ['人数少于{n}的组为“样本不足”，不作判断；区间跨过0即“无显著差异”。', 'Groups smaller than {n} are “insufficient” and not judged; an interval crossing 0 is “not significant”.'],
  noStudies: ['还没有已完成的增值评价运行。', 'No finished value-added run yet.'],
  cat_above: ['高于预期', 'Above expected'],
  cat_below: ['低于预期', 'Below expected'],
  cat_not_significant: ['无显著差异', 'Not significant'],
  cat_insufficient: ['样本不足', 'Insufficient'],
  model_zgain: ['标准分增量', 'z-gain'],
  model_prgain: ['百分等级增量', 'Percentile-rank gain'],
  model_ols: ['线性回归', 'OLS'],
  model_multilevel: ['多层模型', 'Multilevel'],
  stage_primary: ['小学', 'Primary'],
  stage_junior: ['初中', 'Junior secondary'],
  stage_senior: ['高中', 'Senior secondary'],
  stage_nine_year: ['九年一贯制', 'Nine-year'],
  stage_twelve_year: ['十二年一贯制', 'Twelve-year'],
  stage_vocational: ['中职', 'Vocational'],
  limits95: ['95%控制限', '95% limits'],
  // methods & stability
  methodsTitle: ['同一运行中各模型的估计与类别', 'Each model’s estimate and category in one run'],
  methodsNeedTwo: ['该运行只有一个模型；请选择含多个模型的运行（方法比较）。', 'This run has one model; pick a run with several models (a method comparison).'],
  spearman: ['Spearman秩相关', 'Spearman ρ'],
  categoryChanged: ['类别有变化', 'Category changes'],
  changedOnly: ['只看类别变化的组', 'Only groups whose category changes'],
  fromRun: ['前一年度运行', 'Earlier run'],
  toRun: ['后一年度运行', 'Later run'],
  compare: ['比较', 'Compare'],
  transitions: ['类别转移', 'Category transitions'],
  schoolsInBoth: ['两次都有的学校', 'Schools in both'],
  schoolsCompared: ['参与相关计算的学校（两次均非样本不足）', 'Schools compared (sufficient in both)'],
  stabilityScatter: ['前后两年的增值估计', 'Estimates in the two runs'],
  // fitness
  fitnessTitle: ['体质健康达标（合格率、优良率）与目标', 'Fitness pass and good-or-better rates against the targets'],
  level: ['层级', 'Level'],
  level_school: ['学校', 'School'],
  level_district: ['区县', 'District'],
  level_city: ['全市', 'City'],
  level_class: ['班级', 'Class'],
  passRate: ['合格率', 'Pass rate'],
  goodRate: ['优良率', 'Good-or-better rate'],
  excellentRate: ['优秀率', 'Excellent rate'],
  tested: ['测试人数', 'Tested'],
  enrolled: ['在籍人数', 'Enrolled'],
  meanTotal: ['平均总分', 'Mean total'],
  target2022: ['2022年目标', '2022 target'],
  target2025: ['2025年目标', '2025 target'],
  met: ['达标', 'Met'],
  unmet: ['未达标', 'Not met'],
  myopiaTrend: ['近视筛查阳性率趋势', 'Myopia screening-positive rate'],
  myopiaRate: ['筛查阳性率', 'Positive rate'],
  change: ['变化(百分点)', 'Change (points)'],
  // audit
  auditTitle: ['审计日志查询', 'Audit-log search'],
  action: ['操作类型', 'Action'],
  actorUserId: ['用户编号', 'User id'],
  targetId: ['对象编号', 'Target id'],
  from: ['起始时间', 'From'],
  to: ['截止时间', 'To'],
  search: ['查询', 'Search'],
  occurredAt: ['时间', 'Time'],
  actor: ['用户', 'User'],
  roles: ['角色', 'Roles'],
  operation: ['请求', 'Operation'],
  targetType: ['对象类型', 'Target type'],
  outcome: ['结果', 'Outcome'],
  purpose: ['用途', 'Purpose'],
  previous: ['上一页', 'Previous'],
  next: ['下一页', 'Next'],
  pageOf: ['第{page}页，共{total}条', 'Page {page}, {total} in all'],
  // school
  schoolTitle: ['学校：增值与成长', 'School: value-added and growth'],
  chooseSchool: ['选择学校', 'Choose a school'],
  vaHistory: ['本校增值评价历史', 'Value-added history'],
  growthHistory: ['本校成长（SGP中位数）历史', 'Growth history (median SGP)'],
  growthDistribution: ['本校学生成长百分位（SGP）分布', 'Students’ growth percentiles (SGP)'],
  indicator: ['指标', 'Indicator'],
  medianSgp: ['SGP中位数', 'Median SGP'],
  shrunkMedian: ['收缩后中位数', 'Shrunk median'],
  suppressed: ['人数不足，不报告', 'Too few students; not reported'],
  students: ['学生数', 'Students'],
  sgpBand: ['SGP区间', 'SGP band'],
  // uploads
  uploadsTitle: ['上传数据文件（先校验，后提交）', 'Upload a data file (check first, then commit)'],
  kind: ['数据类型', 'Kind'],
  file: ['文件', 'File'],
  template: ['下载模板', 'Template'],
  dryRun: ['校验（不写入）', 'Check (dry run)'],
  commit: ['提交导入', 'Commit'],
  rows: ['数据行数', 'Rows'],
  errorsByRow: ['按行列出的问题', 'Problems by row'],
  row: ['行', 'Row'],
  column: ['列', 'Column'],
  code: ['代码', 'Code'],
  message: ['说明', 'Message'],
  value: ['值', 'Value'],
  fileValid: ['文件校验通过，可以提交。', 'The file is valid and can be committed.'],
  committed: ['已导入。', 'Imported.'],
  fileInvalid: ['文件有{n}个问题，请修改后重新上传。', 'The file has {n} problems; fix them and upload again.'],
  // exports
  exportCsv: ['CSV', 'CSV'],
  exportXlsx: ['Excel', 'Excel'],
  exportPng: ['PNG', 'PNG'],
  exportSvg: ['SVG', 'SVG'],
  forbidden: ['无权访问此页面。', 'You may not open this page.'],
} as const satisfies Record<string, readonly [string, string]>;

export type Key = keyof typeof DICTIONARY;

let current: Lang = (localStorage.getItem('wuyu.lang') as Lang | null) ?? 'zh';

export function lang(): Lang {
  return current;
}

export function setLang(next: Lang): void {
  current = next;
  localStorage.setItem('wuyu.lang', next);
  document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
}

/** The text for a key in the current language, `{name}` placeholders filled. */
export function t(key: Key, values: Record<string, string | number> = {}): string {
  const text: string = DICTIONARY[key][current === 'zh' ? 0 : 1];
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? ''));
}

/** A key built from data (`cat_above`, `stage_junior`); the raw value when there is no entry. */
export function tx(prefix: string, value: string | null | undefined): string {
  if (value === null || value === undefined) return '';
  const key = `${prefix}_${value}`;
  return key in DICTIONARY ? t(key as Key) : value;
}

/** Numbers as the current language writes them. */
export function num(value: number | null | undefined, digits = 2): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return value.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function percent(fraction: number | null | undefined, digits = 1): string {
  return fraction === null || fraction === undefined ? '—' : `${num(fraction * 100, digits)}%`;
}
