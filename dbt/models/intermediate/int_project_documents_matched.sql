-- The documents that speak about one project: every report (绩效目标 table, tracking report,
-- self-evaluation) keyed by canonical unit (implementing_unit_key: the heading's unit for a target
-- table) + project name (spaces and quotes removed) + year. Only projects seen in at least two
-- documents of different kinds are kept: those are what the cross-document checks compare.
-- The reference document of a project is its 绩效目标 table, else its tracking report.
-- The body is macros/project_documents.sql: the cross-file models use it on their touched projects.
{{ project_documents() }}
