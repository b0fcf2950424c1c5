-- The raw layer: one table per parser record type, as printed (amounts in the
-- document's unit). Every table carries source_file so a file's rows can be
-- replaced as a unit.
create schema if not exists raw;

create table if not exists raw.source_files (
    source_file   varchar primary key,  -- path relative to FISCAL_RAW_DIR
    sha256        varchar not null,
    size_bytes    bigint not null,
    families      varchar,             -- comma-separated families found
    line_count    integer,
    loaded_at     timestamp not null
);

create table if not exists raw.reports (
    source_file                  varchar not null,
    report_seq                   integer not null,
    report_type                  varchar not null,
    line_start                   integer not null,
    line_end                     integer not null,
    fiscal_year                  integer,
    project_name                 varchar,
    supervising_dept             varchar,
    implementing_unit            varchar,
    money_unit                   varchar,
    total_weight                 decimal(18, 4),
    total_score                  decimal(18, 4),
    grade                        varchar,
    tracking_period_start        varchar,
    tracking_period_end          varchar,
    goal_expected                varchar,
    goal_actual                  varchar,
    goal_total                   varchar,
    goal_annual                  varchar,
    budget_amount                decimal(24, 6),
    budget_amount_unit           varchar,
    budget_completion_likelihood varchar,
    goal_completion_likelihood   varchar,
    corrective_measures          varchar,
    total_line_no                integer,
    grade_line_no                integer,
    project_code                 varchar,          -- targets: 项目编码 as printed
    project_total_amount         decimal(24, 6),   -- targets: 项目总金额（中期规划）
    project_total_unit           varchar,
    project_total_fiscal_amount  decimal(24, 6),   -- targets: 项目资金总额's 其中：财政资金, in project_total_unit
    project_total_other_amount   decimal(24, 6),   -- targets: 项目资金总额's 其他资金, in project_total_unit
    extra_fields                 varchar           -- targets: further label/value pairs (JSON object)
);
-- Columns added after the first release: a warehouse built before them gets them here.
alter table raw.reports add column if not exists project_code varchar;
alter table raw.reports add column if not exists project_total_amount decimal(24, 6);
alter table raw.reports add column if not exists project_total_unit varchar;
alter table raw.reports add column if not exists extra_fields varchar;
alter table raw.reports add column if not exists project_total_fiscal_amount decimal(24, 6);
alter table raw.reports add column if not exists project_total_other_amount decimal(24, 6);

create table if not exists raw.fund_rows (
    source_file        varchar not null,
    report_seq         integer not null,
    fund_source        varchar not null,
    label              varchar not null,
    line_no            integer not null,
    budget_initial     decimal(24, 6),
    budget_adjusted    decimal(24, 6),
    budget_tracking    decimal(24, 6),
    executed           decimal(24, 6),
    weight             decimal(18, 4),
    execution_rate_pct decimal(18, 4),
    score              decimal(18, 4),
    forecast_executed  decimal(24, 6)   -- tracking: 全年预计执行数 (central 执行监控表)
);
alter table raw.fund_rows add column if not exists forecast_executed decimal(24, 6);

create table if not exists raw.indicators (
    source_file      varchar not null,
    report_seq       integer not null,
    indicator_seq    integer not null,
    line_no          integer not null,
    level1           varchar,
    level2           varchar,
    indicator_name   varchar,
    target_text      varchar,
    actual_text      varchar,
    planned_text     varchar,
    weight           decimal(18, 4),
    score            decimal(18, 4),
    deviation_reason varchar,
    explanation      varchar,  -- targets: 指标解释
    -- tracking (central 执行监控表): 全年预计完成值; the ticked 偏差原因分析 and 完成目标可能性
    -- columns (labels joined by 、); 备注
    forecast_text         varchar,
    deviation_cause       varchar,
    completion_likelihood varchar,
    remarks               varchar
);
alter table raw.indicators add column if not exists explanation varchar;
alter table raw.indicators add column if not exists forecast_text varchar;
alter table raw.indicators add column if not exists deviation_cause varchar;
alter table raw.indicators add column if not exists completion_likelihood varchar;
alter table raw.indicators add column if not exists remarks varchar;

-- The reading of each indicator's target / actual text (parsers/indicator_values.py),
-- keyed like raw.indicators.
create table if not exists raw.indicator_values (
    source_file      varchar not null,
    report_seq       integer not null,
    indicator_seq    integer not null,
    line_no          integer not null,
    target_operator  varchar,  -- >= <= = > < range qualitative; null when unknown
    target_value     decimal(24, 6),
    target_value_max decimal(24, 6),
    target_unit      varchar,
    actual_operator  varchar,
    actual_value     decimal(24, 6),
    actual_unit      varchar,
    achievement      varchar not null,  -- met | not_met | unknown
    forecast_achievement varchar        -- tracking: the 全年预计完成值 against the target; null without one
);
alter table raw.indicator_values add column if not exists forecast_achievement varchar;

create table if not exists raw.budget_tables (
    source_file varchar not null,
    table_seq   integer not null,
    table_title varchar not null,
    line_start  integer not null,
    line_end    integer not null,
    fiscal_year integer,
    money_unit  varchar,
    department  varchar
);

create table if not exists raw.budget_cells (
    source_file  varchar not null,
    table_seq    integer not null,
    row_seq      integer not null,
    measure      varchar not null,
    amount       decimal(24, 6),
    line_no      integer not null,
    side         varchar,
    subject_code varchar not null,
    code_level   varchar,
    subject_name varchar,
    decimals     integer   -- decimals as printed: the checks' tolerance follows them
);

create table if not exists raw.narrative_amounts (
    source_file  varchar not null,
    line_no      integer not null,
    subject_name varchar not null,
    amount       decimal(24, 6) not null,
    unit         varchar not null,
    context      varchar not null,
    raw_text     varchar not null,
    fiscal_year  integer,
    decimals     integer   -- decimals as printed: the checks' tolerance follows them
);

-- change claims of the prose (比…增加/减少 P%), numbers as printed with their decimals
create table if not exists raw.narrative_changes (
    source_file    varchar not null,
    line_no        integer not null,
    form           varchar not null,
    subject_name   varchar not null,
    budget_amount  decimal(24, 6) not null,
    budget_places  integer not null,
    unit           varchar not null,
    direction      varchar not null,
    claim_text     varchar not null,
    percent        decimal(24, 6),
    percent_places integer,
    base_amount    decimal(24, 6),
    base_places    integer,
    change_amount  decimal(24, 6),
    change_places  integer,
    base_year      integer,
    budget_year    integer,
    fiscal_year    integer,
    item_amount    decimal(24, 6),
    item_places    integer
);

create table if not exists raw.parse_issues (
    source_file varchar not null,
    line_no     integer not null,  -- 0 = the file as a whole
    severity    varchar not null,  -- error | warning | info
    code        varchar not null,
    message     varchar not null,
    raw_text    varchar
);

create table if not exists raw.line_accounting (
    source_file varchar not null,
    line_no     integer not null,
    disposition varchar not null,  -- field | header | title | narrative | boilerplate | issue
    family      varchar
);

-- Every line of every input's normalised text (for PDF, DOCX and XLSX: the text
-- the reader made of the document), so any record's line_no can be read back.
create table if not exists raw.source_lines (
    source_file varchar not null,
    line_no     integer not null,
    page_no     integer,   -- PDF: 1-based page
    sheet_name  varchar,   -- XLSX
    text        varchar
);

-- Columns added after a warehouse was first built: an older warehouse gains them (its rows keep
-- NULL, read as the old assumption of 0.01 until their file is parsed again).
alter table raw.budget_cells add column if not exists decimals integer;
alter table raw.narrative_amounts add column if not exists decimals integer;

-- A version of a loaded file that could not be read (damaged, beyond a bound, its parser
-- crashed or timed out): the loaded version's rows were kept, and this version is not
-- parsed again until the file changes. Its issue is in raw.parse_issues (line 0, this code).
create table if not exists raw.rejected_versions (
    source_file varchar primary key,
    sha256      varchar not null,
    code        varchar not null,
    rejected_at timestamp not null
);

-- The files whose raw rows the last load wrote or deleted (added, changed, removed, or their
-- issues changed): the incremental marts replace exactly these files' rows (dbt/macros/incremental.sql).
create table if not exists raw.changed_files (
    source_file varchar primary key
);
