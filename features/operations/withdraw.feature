Feature: 撤回
  办理人办完一个环节后，只要该环节引出的后续环节还无人办理（日志中没有针对它们的命令），
  且它的令牌没有被另一分支触发的汇聚带走，就可以把该环节撤回来重新办理。

  Scenario: 部门提交后发现附件漏传，扎口审核尚未办理，撤回后重新提交
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患", "target_group": "辖区沿街商铺", "authority_scope": "发现隐患后报告", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 20000, "funding_source": "department_budget", "ledger_form": "none"}
      """
    Then the case has open tasks "gatekeep_review"
    And user "department" may withdraw task "apply"
    When user "department" withdraws task "apply" with comment "经费测算依据漏传，撤回补充"
    Then the case has open tasks "apply"
    And task "apply" is held by "department"
    And task "apply" shows "withdrawn" by "department" with comment "经费测算依据漏传，撤回补充"
    And the case data has "funding_amount" equal to "20000"
    And the history shows "withdraw" by "department" with comment "经费测算依据漏传，撤回补充"
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患并通过平台上报", "target_group": "辖区沿街商铺", "authority_scope": "仅限巡查发现和上报，不承担执法", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 48000, "funding_source": "district_special", "funding_note": "按每社区每年2000元测算", "ledger_form": "none"}
      """
    Then the case has open tasks "gatekeep_review"
    And the case data has "funding_amount" equal to "48000"

  Scenario: 下一环节已被转办，不能再撤回；下一环节办结后也不能撤回
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区安全生产网格巡查", "applicant_department": "区应急管理局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "work_item", "item_content": "社区网格员每周巡查沿街商铺安全隐患", "target_group": "辖区沿街商铺", "authority_scope": "发现隐患后报告", "time_limit_months": 24, "time_limit_desc": "2027年至2028年", "funding_amount": 20000, "funding_source": "department_budget", "ledger_form": "none"}
      """
    And user "civil_affairs" transfers task "gatekeep_review" to "civil_affairs_qian" with comment "请钱丽审核"
    Then user "department" is refused with 409 naming "下一环节已有人办理" when withdrawing task "apply"
    When user "civil_affairs_qian" completes task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件"}
      """
    Then user "department" is refused with 409 naming "下一环节已有人办理" when withdrawing task "apply"
    And user "civil_affairs" is refused with 403 naming "只能撤回本人办理" when withdrawing task "apply" completed by "department"

  Scenario: 并行会审中一方撤回自己的审查意见，另一方不受影响；两方汇合后不能再撤回
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园", "land_parcel_no": "FX-2024-018"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房，无偿移交沣西新城", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    And user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": true, "phase_count": 3, "planned_area_m2": 480, "housing_location": "小区中心，2号楼裙房1—3层", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    Then the case has open tasks "housing_opinion, site_plan_review"
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "return", "site_plan_comment": "总平面图不符合规划条件"}
      """
    Then the case has open tasks "housing_opinion"
    When user "housing" withdraws task "site_plan_review" with comment "审查结论选错，撤回改正"
    Then the case has open tasks "housing_opinion, site_plan_review"
    And task "site_plan_review" is held by "housing"
    And task "housing_opinion" is offered to its lane
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with comment "规模、位置符合标准" and:
      """
      {"opinion_decision": "pass", "opinion_text": "社区用房规模、位置符合标准，同意"}
      """
    Then the case has open tasks "presale_permit"
    And user "housing" is refused with 409 naming "汇合" when withdrawing task "site_plan_review"
