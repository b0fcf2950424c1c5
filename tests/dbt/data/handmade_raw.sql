-- Hand-made raw rows with known answers, loaded next to the real samples by test_dbt_build.py.
-- Files live under handmade/ so they can never collide with a real input.
insert into raw.source_files values
    ('handmade/wan.txt', 'aa', 100, 'self_eval', 30, timestamp '2026-01-01 00:00:00'),
    ('handmade/yuan.txt', 'bb', 100, 'self_eval,tracking', 60, timestamp '2026-01-01 00:00:00'),
    ('handmade/budget.txt', 'cc', 100, 'budget,target', 90, timestamp '2026-01-01 00:00:00');

insert into raw.reports by name
select * from (values
    ('handmade/wan.txt', 1, 'self_eval', 1, 30, 2024, '<div style="text-align: center;"> 职业培训 </div>', '上海市松江区人力资源和社会保障局',
     '上海市松江区人力资源和社会保障局（本级）', '万元', 100.00, 95.67, '优', null, null,
     '及时发放各项培训补贴', '  按时发放  ', null, null, null, null, null, null, null, 28, 29),
    ('handmade/yuan.txt', 1, 'self_eval', 1, 25, 2022, '就业补贴', ' 闵行区人力资源和社会保障局 ',
     '闵行区就业促进中心', '元', 100.00, 88.50, '良', null, null,
     '-', '—', null, null, null, null, null, null, '', 24, 25),
    ('handmade/yuan.txt', 2, 'tracking', 27, 58, 2024, '系统运维', '上海市闵行区人力资源和社会保障局(汇总)',
     '上海市闵行区社会保障服务中心', '万元', null, null, null, '2024-01', '2024-08',
     '运维工作完成率达100%', '已支付运维费50%', null, null, null, null, '确定能完成', '确定能完成', '—', null, null),
    ('handmade/budget.txt', 1, 'target', 60, 80, 2020, '创业就业', null,
     '松江区人力资源和社会保障局', null, null, null, null, null, null,
     null, null, '通过补贴帮助困难毕业生就业创业', '符合条件的学生申领到该项补贴', 125.5, '万元', null, null, null, null, null)
) as t(source_file, report_seq, report_type, line_start, line_end, fiscal_year, project_name, supervising_dept,
       implementing_unit, money_unit, total_weight, total_score, grade, tracking_period_start, tracking_period_end,
       goal_expected, goal_actual, goal_total, goal_annual, budget_amount, budget_amount_unit,
       budget_completion_likelihood, goal_completion_likelihood, corrective_measures, total_line_no, grade_line_no);

insert into raw.fund_rows by name
select * from (values
    ('handmade/wan.txt', 1, 'total', '年度资金总额', 5, 1203.00, 1158.10, null, 1158.10, 10.00, 100.00, 10.00),
    ('handmade/wan.txt', 1, 'current_year_appropriation', '其中:当年财政拨款', 6, 1203.00, 1158.10, null, 1158.10, null, 100.00, null),
    ('handmade/wan.txt', 1, 'carryover', '上年结转资金', 7, 0.00, 0.00, null, 0.00, null, 0.00, null),
    ('handmade/wan.txt', 1, 'other', '其他资金', 8, 0.00, 0.00, null, 0.00, null, 0.00, null),
    ('handmade/yuan.txt', 1, 'total', '年度资金总额', 5, 500000.00, 480000.50, null, 470000.25, 10.00, 97.92, 9.79),
    ('handmade/yuan.txt', 2, 'total', '年度资金总额', 32, 6.89, null, 6.89, 0.50, null, 7.25, null)
) as t(source_file, report_seq, fund_source, label, line_no, budget_initial, budget_adjusted, budget_tracking,
       executed, weight, execution_rate_pct, score);

insert into raw.indicators by name
select * from (values
    ('handmade/wan.txt', 1, 1, 12, '成本指标', '经济成本指标', '平均成本', '=300.00(元/人)', '300.00(元/人)', null, 30.00, 30.00, null),
    ('handmade/wan.txt', 1, 2, 13, '产出指标', '数量指标', '审计次数', '≥1.00(次)', '1.00(次)', null, 30.00, 25.67, '根据市场需求增加竞赛场次'),
    ('handmade/wan.txt', 1, 3, 14, '满意度指标', '服务对象满意度 指标', '服务对象满意度', '满意', '达成指标', null, 20.00, 20.00, '-'),
    ('handmade/wan.txt', 1, 4, 15, '新奇指标', '—', '未知类别', '有', '有', null, 10.00, 10.00, ''),
    ('handmade/yuan.txt', 2, 1, 40, '产出指标', '质量指标', '故障处理率', '=100.00(%)', '100.00', '100.00', null, null, '无偏差'),
    ('handmade/budget.txt', 1, 1, 70, '产出目标', '数量目标', '求职创业补贴发放率', '100%', null, null, null, null, null)
) as t(source_file, report_seq, indicator_seq, line_no, level1, level2, indicator_name, target_text,
       actual_text, planned_text, weight, score, deviation_reason);

insert into raw.budget_tables by name
select * from (values
    ('handmade/budget.txt', 1, '2020年部门支出预算总表', 1, 40, 2020, '元', '松江区人力资源和社会保障局'),
    ('handmade/budget.txt', 2, '部门“三公”经费和机关运行经费预算表', 41, 55, 2020, '万元', '松江区人力资源和社会保障局')
) as t(source_file, table_seq, table_title, line_start, line_end, fiscal_year, money_unit, department);

insert into raw.budget_cells by name
select * from (values
    ('handmade/budget.txt', 1, 1, '合计', 1000.00, 10, null, '', null, '合计'),
    ('handmade/budget.txt', 1, 2, '合计', 900.00, 11, null, '208', '类', '社会保障和就业支出'),
    ('handmade/budget.txt', 1, 2, '基本支出', 600.00, 11, null, '208', '类', '社会保障和就业支出'),
    ('handmade/budget.txt', 1, 2, '项目支出', 300.00, 11, null, '208', '类', '社会保障和就业支出'),
    ('handmade/budget.txt', 1, 3, '合计', 900.00, 12, null, '20801', '款', '人力资源和社会保障管理事务'),
    ('handmade/budget.txt', 1, 4, '合计', 900.00, 13, null, '2080101', '项', '行政运行'),
    ('handmade/budget.txt', 1, 5, '合计', 100.00, 14, null, '2210201', '项', '住房公积金'),
    ('handmade/budget.txt', 2, 1, '合计', 10.60, 50, null, '', null, null),
    ('handmade/budget.txt', 2, 1, '因公出国(境)费', 0.00, 50, null, '', null, null)
) as t(source_file, table_seq, row_seq, measure, amount, line_no, side, subject_code, code_level, subject_name);

insert into raw.narrative_amounts by name
select * from (values
    ('handmade/budget.txt', 56, '三公经费', 10.6, '万元', 'three_public', '2020年“三公”经费预算数为10.6万元', 2020)
) as t(source_file, line_no, subject_name, amount, unit, context, raw_text, fiscal_year);

insert into raw.parse_issues values
    ('handmade/budget.txt', 57, 'warning', 'unplaced_line', '无法归类的行', '-');

insert into raw.line_accounting values
    ('handmade/wan.txt', 1, 'title', 'self_eval'),
    ('handmade/wan.txt', 5, 'field', 'self_eval');
