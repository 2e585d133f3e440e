Feature: 退回
  办理人可把办件退回本环节之前办理路径上的任一用户任务（流程模型可用 returnTargets 限定）：
  目标环节带着办件的全部现有数据重新打开，交回原办理人，并显示“被退回”与退回意见；
  跨越并行汇聚退回时，同时取消其他并行分支上未办的任务。

  Background:
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村", "application_note": "东村已完成集体产权制度改革"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设东村社区居民委员会，集体资产由股份经济合作社承接。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251, "votes_against": 249, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """

  Scenario: 复审退回街道办修改方案，原办理人收到被退回与意见，数据保留，修改后再报
    Then the case has open tasks "civil_review"
    And user "civil_affairs" may return task "civil_review" to "hold_meeting, draft_plan"
    And user "civil_affairs" is refused with 403 naming "returnTargets" when posting "return" on task "civil_review" with:
      """
      {"target_element_id": "check_eligibility", "comment": "重新审查改制条件"}
      """
    And user "street_a" is refused with 403 naming "您没有该角色" when posting "return" on task "civil_review" with:
      """
      {"target_element_id": "draft_plan", "comment": "越权退回"}
      """
    When user "civil_affairs" returns task "civil_review" to "draft_plan" with comment "方案户数与台账不符，请核实后重报"
    Then the case has open tasks "draft_plan"
    And task "draft_plan" is held by "street_a"
    And task "draft_plan" shows "returned" by "civil_affairs" with comment "方案户数与台账不符，请核实后重报"
    And user "street_a" sees task "draft_plan" in the inbox
    And user "street_a" has an unread notification "returned" about the case
    And the case data has "meeting_result" equal to "\"passed\""
    And the case data has "plan_title" equal to "\"甲街道东村撤村建居方案\""
    And the history shows "return" by "civil_affairs" with comment "方案户数与台账不符，请核实后重报"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案（修订）", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 310, "village_population": 1260, "plan_summary": "按台账核实户数为310户。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    Then the case has open tasks "hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-15", "adult_villagers_total": 1000, "households_total": 310, "attendees": 520, "households_represented": 220, "votes_for": 400, "votes_against": 120, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    And user "civil_affairs" completes task "civil_review" with comment "修订后复审通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approve, file_record"
    And the case data has "plan_title" equal to "\"甲街道东村撤村建居方案（修订）\""

  Scenario: 复审退回各村户代表会议（每村一项的多实例环节），各村重新召开会议后再报复审
    When user "civil_affairs" returns task "civil_review" to "hold_meeting" with comment "表决票未加盖村委会印章，请重新召开会议表决"
    Then the case has open tasks "hold_meeting"
    And task "hold_meeting" shows "returned" by "civil_affairs" with comment "表决票未加盖村委会印章，请重新召开会议表决"
    And user "village_a1" sees task "hold_meeting" in the inbox
    And user "village_a1" has an unread notification "returned" about the case
    And the case data has "plan_title" equal to "\"甲街道东村撤村建居方案\""
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-12", "adult_villagers_total": 1000, "households_total": 300, "attendees": 520, "households_represented": 220, "votes_for": 400, "votes_against": 120, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    Then the case has open tasks "civil_review"
    And the case data has "meeting_result" equal to "\"passed\""
    When user "civil_affairs" completes task "civil_review" with comment "重新表决后复审通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approve, file_record"

  Scenario: 批复后工作退回管委会重新批准，跨越汇聚，其余并行工作一并取消
    When user "civil_affairs" completes task "civil_review" with comment "程序合法，复审通过" and:
      """
      {"review_decision": "pass"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_number": "XXMZ-2024-017", "filing_date": "2024-03-20"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕12号", "approval_date": "2024-03-22", "approval_file": "file:沣西管发〔2024〕12号批复.pdf"}
      """
    Then the case has open tasks "hand_over_seals, party_organisation, transition_decision, urban_treatment"
    When user "village_a1" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 3, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-03-22"}
      """
    Then the case has open tasks "party_organisation, rename_and_seal, transition_decision, urban_treatment"
    And user "street_a" may return task "rename_and_seal" to "hand_over_seals, district_approve, civil_review, hold_meeting, draft_plan, check_eligibility"
    When user "street_a" returns task "rename_and_seal" to "district_approve" with comment "批复文号有误，请管委会重新批复"
    Then the case has open tasks "district_approve"
    And task "district_approve" is held by "district_gov"
    And the case data has "filing_number" equal to "\"XXMZ-2024-017\""
    When user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕15号", "approval_date": "2024-03-25", "approval_file": "file:沣西管发〔2024〕15号批复.pdf"}
      """
    Then the case has open tasks "hand_over_seals, party_organisation, transition_decision, urban_treatment"
    And the case data has "approval_document_no" equal to "\"沣西管发〔2024〕15号\""
    When user "village_a1" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 3, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-03-26"}
      """
    Then the case has open tasks "party_organisation, rename_and_seal, transition_decision, urban_treatment"

  Scenario: 批准后并行办理中退回扎口审核，另一并行分支的待办被取消，重新批准后办结
    Given user "department" starts a "community_access" case with:
      """
      {"item_title": "高龄老人津贴资格年度认证", "applicant_department": "区卫生健康局"}
      """
    When user "department" completes task "apply" with:
      """
      {"item_type": "certificate", "item_content": "协助核实辖区高龄老人生存状况并出具年度认证意见", "target_group": "辖区80周岁以上户籍老年人", "authority_scope": "受区卫生健康局委托开展入户核实，出具认证意见", "time_limit_months": 12, "time_limit_desc": "2027年1月1日至2027年12月31日", "funding_amount": 60000, "funding_source": "district_special", "funding_note": "按每户每年100元拨付社区", "ledger_form": "electronic"}
      """
    And user "civil_affairs" completes task "gatekeep_review" with comment "同意提请审批" and:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "符合准入条件，提请领导小组审批"}
      """
    And user "leadership" completes task "group_approval" with:
      """
      {"meeting_quarter": "2026Q4", "approval_decision": "approve", "approval_opinion": "同意纳入社区事务准入清单", "resolution_no": "沣西社建纪〔2026〕4号"}
      """
    Then the case has open tasks "publish_list, setup_ledger"
    When user "department" returns task "setup_ledger" to "gatekeep_review" with comment "经费来源需重新核实"
    Then the case has open tasks "gatekeep_review"
    And task "gatekeep_review" is held by "civil_affairs"
    And user "civil_affairs" has an unread notification "returned" about the case
    When user "civil_affairs" completes task "gatekeep_review" with comment "经费已核实" and:
      """
      {"gatekeep_decision": "accept", "elements_complete": true, "funding_verified": true, "gatekeep_opinion": "经费来源已核实，提请审批"}
      """
    And user "leadership" completes task "group_approval" with:
      """
      {"meeting_quarter": "2027Q1", "approval_decision": "approve", "approval_opinion": "同意", "resolution_no": "沣西社建纪〔2027〕1号"}
      """
    And user "civil_affairs" completes task "publish_list" with:
      """
      {"list_entry_no": "FX-ZR-2027-003", "publish_date": "2027-02-20", "publish_channel": "both", "electronic_ledger_flag": true}
      """
    And user "department" completes task "setup_ledger" with:
      """
      {"funding_transfer_doc": "沣西财〔2027〕12号", "ledger_setup": "electronic_configured", "communities_notified": true}
      """
    Then the case is completed at end event "已准入"
    And the case data has "resolution_no" equal to "\"沣西社建纪〔2027〕1号\""
