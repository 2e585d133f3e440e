Feature: 撤村建居（村改社区）
  依据西咸新区社区治理体系意见 003 §三 与 000 §一：街道办研判并拟定方案，户代表会议讨论同意
  （到会须过半数成年村民或三分之二以上户的代表，决定须经到会人员过半数通过），新城人社民政局复审，
  管委会批准并同步报新区人社民政局备案；批复后同步完成更名与印章、社区党组织、“两委”过渡和城市居民待遇衔接。

  Scenario: 条件齐备的村一村建一社区，户代表达三分之二到会并过半数同意，批准后完成撤村建居
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村", "application_note": "东村已完成集体产权制度改革"}
      """
    Then the case has open tasks "check_eligibility"
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    Then the case data has "eligibility" equal to "\"eligible\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设东村社区居民委员会，集体资产由股份经济合作社承接。"}
      """
    Then the case has open tasks "hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251, "votes_against": 249}
      """
    Then the case data has "quorum_met" equal to "true"
    And the case data has "meeting_result" equal to "\"passed\""
    And the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "程序合法，复审通过" and:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approve, file_record"
    When user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_number": "XXMZ-2024-017", "filing_date": "2024-03-20"}
      """
    Then the case has open tasks "district_approve"
    When user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕12号", "approval_date": "2024-03-22"}
      """
    Then the case has open tasks "party_organisation, rename_and_seal, transition_decision, urban_treatment"
    When user "street_a" completes task "rename_and_seal" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "registered_committee_name": "沣西新城甲街道东村社区居民委员会", "old_seals_sealed": true, "sealed_seal_count": 3, "seal_sealing_date": "2024-03-22", "new_seal_issued": true, "seal_issue_date": "2024-03-22"}
      """
    And user "street_a" completes task "party_organisation" with:
      """
      {"party_org_name": "中共沣西新城甲街道东村社区支部委员会", "party_org_level": "branch", "secretary_and_director": "王建国", "one_person_both_posts": true, "party_members": 46}
      """
    And user "street_a" completes task "transition_decision" with:
      """
      {"election_due": false, "direct_transition": true, "public_affairs_continued": true}
      """
    Then the case has open tasks "urban_treatment"
    When user "civil_affairs" completes task "urban_treatment" with:
      """
      {"urban_services": ["education", "medical", "health_family_planning", "pension", "minimum_living_allowance"], "effective_from_approval": true, "urban_funding_standard": true}
      """
    Then the case is completed at end event "撤村建居完成"

  Scenario: 整村拆迁的村必须改制，多村建一社区，复审退回修改后批准，换届与社区同步
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "village_name": "甲街道东村"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": false, "assets_inventoried": false, "shares_quantified": false, "whole_village_demolished": true, "eligibility_note": "东村已于2023年整村拆迁"}
      """
    Then the case data has "eligibility" equal to "\"mandatory\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community", "merged_villages": ["甲街道南村"], "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "东村、南村整村拆迁后安置于同一小区，合并建立东南社区。"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-04-02", "adult_villagers_total": 1800, "households_total": 820, "attendees": 1000, "households_represented": 500, "votes_for": 900, "votes_against": 100}
      """
    And user "civil_affairs" completes task "civil_review" with comment "南村未召开会议，退回补充" and:
      """
      {"review_decision": "return", "review_opinion": "多村建一社区须各村分别讨论同意，请补充南村会议材料后重新表决。"}
      """
    Then the case has open tasks "draft_plan"
    And the case has no open task "civil_review"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案（修订）", "conversion_mode": "multi_village_one_community", "merged_villages": ["甲街道南村"], "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "补充南村会议材料，两村分别讨论同意后合并建立东南社区。"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-04-20", "adult_villagers_total": 1800, "households_total": 820, "attendees": 1100, "households_represented": 560, "votes_for": 1000, "votes_against": 100}
      """
    And user "civil_affairs" completes task "civil_review" with comment "材料齐全，同意" and:
      """
      {"review_decision": "pass"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕20号", "approval_date": "2024-05-06"}
      """
    Then the case has open tasks "file_record"
    When user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-05-07"}
      """
    Then the case has open tasks "party_organisation, rename_and_seal, transition_decision, urban_treatment"
    When user "civil_affairs" completes task "urban_treatment" with:
      """
      {"urban_services": ["education", "medical", "health_family_planning", "pension", "minimum_living_allowance"], "effective_from_approval": true, "urban_funding_standard": true, "employment_measures": "开展失地农民技能培训"}
      """
    And user "street_a" completes task "transition_decision" with:
      """
      {"election_due": true, "election_date": "2024-06-15", "election_synced": true, "public_affairs_continued": true}
      """
    And user "street_a" completes task "party_organisation" with:
      """
      {"party_org_name": "中共沣西新城甲街道东南社区总支部委员会", "party_org_level": "general_branch", "secretary_and_director": "李秀兰", "one_person_both_posts": true}
      """
    And user "street_a" completes task "rename_and_seal" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "registered_committee_name": "沣西新城甲街道东南社区居民委员会", "old_seals_sealed": true, "sealed_seal_count": 6, "seal_sealing_date": "2024-05-06", "new_seal_issued": true, "seal_issue_date": "2024-05-08"}
      """
    Then the case is completed at end event "撤村建居完成"

  Scenario: 未完成股权量化且决定终止，申请以不符合条件结束
    Given user "street_b" starts a "village_to_community" case with:
      """
      {"subject_org": "village_b1", "village_name": "乙街道西村"}
      """
    When user "street_b" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": false, "whole_village_demolished": false, "ineligible_action": "terminate", "ineligible_reason": "西村尚未完成股权量化，且近期无量化计划"}
      """
    Then the case data has "eligibility" equal to "\"ineligible\""
    And the case is completed at end event "不符合条件"

  Scenario: 条件不齐退回村委会补齐后并入就近社区，管委会不予批准
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": false, "shares_quantified": false, "whole_village_demolished": false, "ineligible_action": "supplement"}
      """
    Then the case has open tasks "complete_prerequisites"
    And user "street_b" does not see task "complete_prerequisites" in the inbox
    When user "village_a1" completes task "complete_prerequisites" with:
      """
      {"completed_items": ["assets_inventory", "shares_quantification"], "supplement_report": "已完成清产核资并将股权量化到户，附股权证书发放清册。"}
      """
    Then the case has open tasks "check_eligibility"
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    Then the case data has "eligibility" equal to "\"eligible\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村并入和平社区方案", "conversion_mode": "merge_nearest_community", "target_community": "甲街道和平社区", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 260, "village_population": 980, "plan_summary": "东村撤销建制，居民并入就近的和平社区。"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-05-10", "adult_villagers_total": 700, "households_total": 260, "attendees": 240, "households_represented": 240, "votes_for": 200, "votes_against": 40}
      """
    And user "civil_affairs" completes task "civil_review" with comment "同意报批" and:
      """
      {"review_decision": "pass"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-05-20"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "reject", "rejection_reason": "和平社区规模已超5000户，不宜再并入，请研究调整方案。"}
      """
    Then the case is completed at end event "不予批准"

  Scenario: 到会人数不足会议无效须重新召开，重开后同意未过半数退回修改方案，再表决通过后仍不予批准
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村融入和平社区方案", "conversion_mode": "integrate_into_community", "target_community": "甲街道和平社区", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "东村居民整体融入和平社区。"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-06-01", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 199, "votes_for": 480, "votes_against": 20}
      """
    Then the case data has "meeting_result" equal to "\"invalid\""
    And the case has open tasks "hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-06-10", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 300, "votes_against": 300}
      """
    Then the case data has "meeting_result" equal to "\"rejected\""
    And the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村融入和平社区方案（修订）", "conversion_mode": "integrate_into_community", "target_community": "甲街道和平社区", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "增加集体资产收益分配与就业安置条款。"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-06-25", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 301, "votes_against": 299}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    When user "civil_affairs" completes task "civil_review" with comment "同意报批" and:
      """
      {"review_decision": "pass"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "reject", "rejection_reason": "表决赞成票刚过半数，群众基础不牢，暂缓改制。"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-07-02"}
      """
    Then the case is completed at end event "不予批准"

  Scenario: 表单规则不符被拒绝（422）
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """
    Then user "street_a" is refused with 422 at "ineligible_action" when completing task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false, "ineligible_action": "terminate", "ineligible_reason": "误填"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    Then user "street_a" is refused with 422 at "new_committee_name" when completing task "draft_plan" with:
      """
      {"plan_title": "东村方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村村民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "名称未改为社区居民委员会"}
      """
    And user "street_a" is refused with 422 at "village_households" when completing task "draft_plan" with:
      """
      {"plan_title": "东村方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 0, "village_population": 1200, "plan_summary": "户数为零"}
      """
    And the case has open tasks "draft_plan"

  Scenario: 其他街道和其他村的用户无权办理（403）
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """
    Then user "street_b" is refused with 403 when completing task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设社区居民委员会。"}
      """
    Then user "village_b1" does not see task "hold_meeting" in the inbox
    And user "village_b1" is refused with 403 when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 500, "votes_against": 100}
      """
    And user "street_b" is refused with 403 when starting a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """
