Feature: 抄送
  办理人可把办件抄送给不在办理路径上的人员，被抄送人可以查阅办件，并在“抄送我的”中看到已读/未读；
  流程模型也可以在某环节办结时按角色自动抄送（ccRoles）。

  Scenario: 街道办把方案抄送乙街道参考，乙街道由此可以查阅办件
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村"}
      """
    Then user "street_b" may not read the case
    When user "street_a" copies the case to "street_b, community_a1" with comment "东村改制方案供乙街道参考"
    Then user "street_b" may read the case
    And user "community_a1" may read the case
    And user "street_b" finds the case among their copies, unread
    And user "street_b" has an unread notification "cc" about the case
    And user "street_b"'s notification "cc" about the case names step "改制条件审查" and the case title
    And user "street_b"'s copy of the case names step "改制条件审查" and the case title
    And the history shows "cc" by "street_a" with comment "东村改制方案供乙街道参考"
    And user "village_b1" may not read the case
    And user "village_b1" is refused with 403 naming "您无权查看该办件" when posting "cc" on the case with:
      """
      {"users": ["village_b1"]}
      """
    And user "civil_upper" is refused with 403 naming "当前环节的办理人" when posting "cc" on the case with:
      """
      {"users": ["street_b"]}
      """
    And user "street_a" is refused with 422 naming "没有在用的用户" when posting "cc" on the case with:
      """
      {"users": ["nobody_here"]}
      """

  Scenario: 纳入准入清单并公布时，模型自动抄送新区人社民政局
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见", "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000, "funding_source": "district_special", "funding_note": "按每户每年100元拨付社区", "ledger_form": "electronic"}
      """
    And user "civil_affairs" completes task "gatekeep_review" with:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件，提请领导小组审批"}
      """
    And user "leadership" completes task "group_approval" with:
      """
      {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意纳入社区事务准入清单", "resolution_no": "沣西社建纪〔2026〕4号"}
      """
    And user "civil_affairs" completes task "publish_list" with:
      """
      {"list_entry_no": "FX-ZR-2026-017", "publish_date": "2026-11-20", "publish_channel": "both", "electronic_ledger_flag": true}
      """
    Then the history shows an automatic copy of task "publish_list" to "civil_upper"
    And user "civil_upper" finds the case among their copies, unread
    And user "civil_upper" has an unread notification "cc" about the case
    And user "civil_upper"'s copy of the case names step "纳入准入清单并公布" and the case title
    When user "department" completes task "setup_ledger" with:
      """
      {"funding_transfer_doc": "沣西财〔2026〕88号", "ledger_setup": "electronic_configured", "communities_notified": true}
      """
    Then the case is completed at end event "已准入"
