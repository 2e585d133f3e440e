Feature: 社区拒绝清单外事项
  凡未列入社区事务目录的工作，社区有权拒绝提供台账或参与达标评比（002 §四(一)）；
  对超出清单范围的事项，社区不再承担（000 §三(二)）。社区登记部门提出的工作要求，
  系统在提交当日查询本区社区事务准入清单：未列入或已过期的，社区出具拒绝说明函，
  区民政局登记并告知部门；已列入且有效的，社区按清单承担。

  Scenario: 未列入准入清单的评比台账，社区拒绝，民政局登记并告知部门
    Given user "community_a1" starts a "community_refusal" case with:
      """
      {"subject_org": "community_a1", "work_item_title": "文明养犬达标评比台账", "requesting_department": "区城市管理局", "requested_on": "2027-01-10", "request_description": "要求社区每月报送文明养犬宣传台账并参加季度达标评比"}
      """
    Then the case has open tasks "issue_refusal"
    And the case data has "item_listed" equal to "false"
    And the case data has "lookup_summary" equal to "\"本区社区事务准入清单中没有该事项（查询日期 2026-12-10）\""
    When user "community_a1" completes task "issue_refusal" with the paper "refusal_letter" and:
      """
      {"refused_scope": ["ledger", "evaluation"], "refusal_reason": "该事项未列入社区事务准入清单，依据002 §四(一)拒绝提供台账和参与评比"}
      """
    Then the case has open tasks "record_refusal"
    And user "community_b1" is refused with 403 when completing task "record_refusal" with:
      """
      {"department_notified": true, "record_opinion": "已登记"}
      """
    When user "civil_affairs" completes task "record_refusal" with:
      """
      {"department_notified": true, "record_opinion": "已登记社区拒绝，告知区城市管理局如需社区承担须先申请准入"}
      """
    Then the case is completed at end event "已拒绝（未列入准入清单）"
    And the history of the case shows "出具拒绝说明" by "和平社区居委会 陈静"

  Scenario: 已列入清单且在有效期内的事项，社区按清单承担
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    And the case is approved by the leadership group with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实", "time_limit_months": 12, "time_limit_desc": "一年", "funding_amount": 60000, "funding_source": "district_special", "ledger_form": "electronic"}
      """
    And user "community_a1" starts a "community_refusal" case with:
      """
      {"subject_org": "community_a1", "work_item_title": "高龄老人津贴资格年度认证", "requesting_department": "区卫生健康局", "requested_on": "2026-12-10", "request_description": "要求社区入户核实高龄老人生存状况"}
      """
    Then the case has open tasks "acknowledge_listed"
    And the case data has "item_listed" equal to "true"
    When user "community_a1" completes task "acknowledge_listed" with:
      """
      {"will_undertake": true, "acknowledge_note": "清单内事项，按清单载明的经费和时限承担"}
      """
    Then the case is completed at end event "清单内事项，社区承担"

  Scenario: 清单事项时限已届满，部门引用其清单编号，社区仍有权拒绝
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "社区居民健康档案更新", "applicant_department": "区卫生健康局"}
      """
    And the case is approved by the leadership group with:
      """
      {"item_type": "work_item", "item_content": "社区协助更新居民健康档案信息", "target_group": "辖区常住居民", "authority_scope": "信息核对", "time_limit_months": 1, "start_date": "2026-12-01", "time_limit_desc": "2026年12月", "funding_amount": 8000, "funding_source": "department_budget", "ledger_form": "electronic"}
      """
    When the clock moves to "2027-01-05 09:00" and the worker runs
    And user "community_a1" starts a "community_refusal" case citing the entry of the approved case with:
      """
      {"subject_org": "community_a1", "work_item_title": "居民健康档案季度更新", "requesting_department": "区卫生健康局", "requested_on": "2027-01-04", "request_description": "要求社区继续按季度更新居民健康档案"}
      """
    Then the case has open tasks "issue_refusal"
    And the case data has "item_listed" equal to "false"
    And the case data "lookup_summary" contains "已过期，有效期 2026-12-01 至 2026-12-31"
