Feature: 社区事务准入
  区直职能部门拟交由社区承担的工作事项（工作事项、台账、创建达标评比、证明事项等），
  须写明内容、对象、权限、时限和经费（权随责走、费随事转），由区民政局扎口审核，
  报区社区建设领导小组季度会议审批；批准事项纳入社区事务准入清单并公布，
  同时由申请部门落实经费、配置电子化台账（002 §四(一)；000 §三(二)；001 §一(四)；004）。

  Scenario: 事项经扎口受理、领导小组批准，纳入清单并公布，已准入
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    Then the case has open tasks "apply"
    When user "department" completes task "apply" with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见", "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000, "funding_source": "district_special", "funding_note": "按每户每年100元拨付社区", "ledger_form": "electronic"}
      """
    Then the case has open tasks "gatekeep_review"
    When user "civil_affairs" completes task "gatekeep_review" with comment "五要素齐全，经费已落实，同意提请审批" and:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件，提请领导小组审批"}
      """
    Then the case has open tasks "group_approval"
    When user "leadership" completes task "group_approval" with:
      """
      {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意纳入社区事务准入清单", "resolution_no": "沣西社建纪〔2026〕4号"}
      """
    Then the case has open tasks "publish_list, setup_ledger"
    When user "civil_affairs" completes task "publish_list" with:
      """
      {"list_entry_no": "FX-ZR-2026-017", "publish_date": "2026-11-20", "publish_channel": "both", "electronic_ledger_flag": true}
      """
    Then the case has open tasks "setup_ledger"
    When user "department" completes task "setup_ledger" with:
      """
      {"funding_transfer_doc": "沣西财〔2026〕88号", "ledger_setup": "electronic_configured", "communities_notified": true}
      """
    Then the case is completed at end event "已准入"
    And the case data has "meeting_quarter" equal to "\"2026Q4\""
    And the case data has "list_entry_no" equal to "\"FX-ZR-2026-017\""
    And the public access list has an entry "高龄老人津贴资格年度认证" of the case with status "有效" valid until "2027-12-09"

  Scenario: 纸质台账被自动退回补正，改为电子化台账后民政局扎口不予准入
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区文明创建达标评比台账", "applicant_department": "区文明办"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "ledger", "item_content": "社区按月报送文明创建工作纸质台账及佐证材料", "target_group": "全区各社区", "authority_scope": "无需额外权限，仅在电子台账系统填报", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 5000, "funding_source": "department_budget", "ledger_form": "paper"}
      """
    Then the case has open tasks "apply"
    And the case has no open task "gatekeep_review"
    When user "department" completes task "apply" with:
      """
      {"item_type": "ledger", "item_content": "社区按月在电子台账系统报送文明创建工作情况", "target_group": "全区各社区", "authority_scope": "无需额外权限，仅在电子台账系统填报", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 5000, "funding_source": "department_budget", "ledger_form": "electronic"}
      """
    Then the case has open tasks "gatekeep_review"
    When user "civil_affairs" completes task "gatekeep_review" with comment "属部门自身职责，不得转嫁社区" and:
      """
      {"gatekeep_decision": "reject", "elements_complete": true, "funding_verified": false, "gatekeep_opinion": "该评比台账属部门自身工作", "reject_reason": "属申请部门自身职责，且系控制类创建达标评比项目，不予准入"}
      """
    Then the case is completed at end event "不予准入"
    And the case data has "gatekeep_decision" equal to "\"reject\""

  Scenario: 扎口退回部门补正，领导小组暂缓后于下季度不予批准
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患", "target_group": "辖区沿街商铺", "authority_scope": "发现隐患后报告", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 20000, "funding_source": "department_budget", "ledger_form": "none"}
      """
    When user "civil_affairs" completes task "gatekeep_review" with:
      """
      {"gatekeep_decision": "return", "elements_complete": false, "funding_verified": false, "gatekeep_opinion": "权限及经费测算依据不清", "supplement_requirements": "补充执法权限边界说明和经费测算依据"}
      """
    Then the case has open tasks "apply"
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患并通过平台上报", "target_group": "辖区沿街商铺", "authority_scope": "仅限巡查发现和上报，不承担执法", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 48000, "funding_source": "district_special", "funding_note": "按每社区每年2000元测算", "ledger_form": "none"}
      """
    When user "civil_affairs" completes task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "补正后材料齐全"}
      """
    Then user "leadership" is refused with 422 at "meeting_quarter" when completing task "group_approval" with:
      """
      {"meeting_quarter": "2026年第四季度", "approval_decision": "approve", "approval_opinion": "同意", "resolution_no": "沣西社建纪〔2026〕4号"}
      """
    When user "leadership" completes task "group_approval" with:
      """
      {"meeting_quarter": "2026Q4", "approval_decision": "defer", "approval_opinion": "需征求街道意见", "next_meeting_quarter": "2027Q1"}
      """
    Then the case has open tasks "group_approval"
    When user "leadership" completes task "group_approval" with:
      """
      {"meeting_quarter": "2027Q1", "approval_decision": "not_approve", "approval_opinion": "该事项应由部门执法队伍承担，不纳入社区事务准入清单"}
      """
    Then the case is completed at end event "领导小组不予批准"
    And the case data has "approval_decision" equal to "\"not_approve\""

  Scenario: 时限较长的事项不再以最长期限为由退回，报民政局扎口
    种子文件没有规定准入事项的最长时限：60 个月的事项照常报民政局扎口审核。
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "流动人口信息采集", "applicant_department": "区公安分局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区协助采集登记辖区流动人口信息", "target_group": "辖区流动人口", "authority_scope": "信息采集登记", "time_limit_months": 60, "time_limit_desc": "长期", "funding_amount": 30000, "funding_source": "upper_special", "ledger_form": "electronic"}
      """
    Then the case has open tasks "gatekeep_review"
    And the case has no open task "apply"

  Scenario: 表单规则校验：未写明经费或台账类事项未说明台账形式、扎口受理须确认五要素齐全
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区居民健康档案更新", "applicant_department": "区卫生健康局"}
      """
    Then user "department" is refused with 422 at "funding_amount" when completing task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区协助更新居民健康档案信息", "target_group": "辖区常住居民", "authority_scope": "信息核对", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 0, "funding_source": "department_budget", "ledger_form": "electronic"}
      """
    Then user "department" is refused with 422 at "funding_amount" when completing task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区协助更新居民健康档案信息", "target_group": "辖区常住居民", "authority_scope": "信息核对", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 0.5, "funding_source": "department_budget", "ledger_form": "electronic"}
      """
    Then user "department" is refused with 422 at "ledger_form" when completing task "apply" with:
      """
      {"item_type": "ledger", "item_content": "社区按季度报送居民健康档案更新台账", "target_group": "辖区常住居民", "authority_scope": "信息核对", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 8000, "funding_source": "department_budget", "ledger_form": "none"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区协助更新居民健康档案信息", "target_group": "辖区常住居民", "authority_scope": "信息核对", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 8000, "funding_source": "department_budget", "ledger_form": "electronic"}
      """
    Then user "civil_affairs" is refused with 422 at "funding_verified" when completing task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": false, "gatekeep_opinion": "同意受理"}
      """
    And the case has open tasks "gatekeep_review"

  Scenario: 非本区民政局或其他角色的用户不能办理扎口审核，街道不能发起准入申请
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区消防宣传", "applicant_department": "区消防救援大队"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区每季度组织一次消防安全宣传", "target_group": "辖区居民", "authority_scope": "宣传组织", "time_limit_months": 12, "time_limit_desc": "2027年全年", "funding_amount": 12000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    Then user "civil_upper" is refused with 403 when completing task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "同意"}
      """
    And user "community_a1" is refused with 403 when completing task "gatekeep_review" with:
      """
      {"gatekeep_decision": "reject", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "不同意", "reject_reason": "社区不愿承担"}
      """
    And user "community_a1" does not see task "gatekeep_review" in the inbox
    And user "street_a" is refused with 403 when starting a "community_access" case with:
      """
      {"item_title": "社区消防宣传", "applicant_department": "区消防救援大队"}
      """
    And the case has open tasks "gatekeep_review"

  Scenario: 准入事项时限届满后自动失效，清单中显示为已过期
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区消防宣传", "applicant_department": "区消防救援大队"}
      """
    When the case is approved by the leadership group with:
      """
      {"item_type": "work_item", "item_content": "社区每季度组织一次消防安全宣传", "target_group": "辖区居民", "authority_scope": "宣传组织", "time_limit_months": 12, "start_date": "2027-01-01", "time_limit_desc": "2027年全年", "funding_amount": 12000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    Then the public access list has an entry "社区消防宣传" of the case with status "尚未生效" valid until "2027-12-31"
    When the clock moves to "2027-12-31 23:59" and the worker runs
    Then the public access list has an entry "社区消防宣传" of the case with status "有效" valid until "2027-12-31"
    When the clock moves to "2028-01-01 00:00" and the worker runs
    Then the public access list has an entry "社区消防宣传" of the case with status "已过期" valid until "2027-12-31"
    And the public access list filtered by "status=active" does not list "社区消防宣传"
    And the public access list filtered by "status=expired&org=community_b1&q=消防" lists "社区消防宣传"
