Feature: 撤村建居（村改社区）
  依据西咸新区社区治理体系意见 003 §三 与 000 §一：街道办研判并拟定方案（附方案文本），参与改制的每个村分别召开
  户代表会议讨论表决（附会议纪要、签到表、表决票；到会须过半数成年村民或三分之二以上户的代表，决定须经到会人员过半数通过），
  各村均同意方案才通过；新城人社民政局复审，不合格的材料只退回出具它的环节补正；管委会批准（附批复文件）并同步报新区
  人社民政局备案，不予批准的可修改方案重新报批；批复后各村移交原村印章，同步完成更名与印章、社区党组织、“两委”过渡
  和城市居民待遇衔接。"file:名称" 是办理人上传的材料。

  Scenario: 一村建一社区，户代表恰达三分之二到会并过半数同意，复审退回补正方案文本后批准，撤村建居完成
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
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设东村社区居民委员会，集体资产由股份经济合作社承接。", "plan_document": "file:东村撤村建居方案.pdf"}
      """
    Then the case data has "villages" equal to "[\"village_a1\"]"
    And the case has open tasks "hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 251, "votes_against": 249, "minutes_file": "file:东村户代表会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    And the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "方案文本缺少资产处置附表，请补正" and:
      """
      {"review_decision": "correct", "defective_papers": ["plan_document"], "review_opinion": "方案文本未附集体资产处置明细表。"}
      """
    Then the case has open tasks "correct_plan_document"
    When user "street_a" completes task "correct_plan_document" with:
      """
      {"plan_document": "file:东村撤村建居方案（补正）.pdf", "correction_note": "已补附集体资产处置明细表。"}
      """
    Then the case has open tasks "civil_review"
    And the case has no open task "hold_meeting"
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
    And user "district_gov" is refused with 422 at "approval_file" when completing task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕12号", "approval_date": "2024-03-22"}
      """
    When user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕12号", "approval_date": "2024-03-22", "approval_file": "file:沣西管发〔2024〕12号批复.pdf"}
      """
    Then the case has open tasks "hand_over_seals, party_organisation, transition_decision, urban_treatment"
    And user "village_a1" is refused with 422 at "handover_date" when completing task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 3, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-03-21"}
      """
    When user "village_a1" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 3, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-03-22"}
      """
    Then the case has open tasks "party_organisation, rename_and_seal, transition_decision, urban_treatment"
    And user "street_a" is refused with 422 at "sealed_seal_count" when completing task "rename_and_seal" with:
      """
      {"registered_committee_name": "沣西新城甲街道东村社区居民委员会", "old_seals_sealed": true, "sealed_seal_count": 2, "seal_sealing_date": "2024-03-22", "new_seal_issued": true, "seal_issue_date": "2024-03-22"}
      """
    When user "street_a" completes task "rename_and_seal" with:
      """
      {"registered_committee_name": "沣西新城甲街道东村社区居民委员会", "old_seals_sealed": true, "sealed_seal_count": 3, "seal_sealing_date": "2024-03-22", "new_seal_issued": true, "seal_issue_date": "2024-03-22"}
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
    And the directory lists "village_a1" as converted into the new community "甲街道东村社区" under "street_a" on "2024-03-22"
    And the start form of "village_to_community" offers user "street_a" no "village_a1" at "subject_org"
    And user "street_a" is refused with 422 at "subject_org" when starting a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """
    And the start form of "residents_committee" offers user "street_a" the community "甲街道东村社区" at "subject_org"

  Scenario: 整村拆迁的两村多村建一社区，各村分别表决，复审只退回南村签到表补正，两村分别移交印章后完成
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"], "village_name": "甲街道东村"}
      """
    Then the case has open tasks "check_eligibility, check_eligibility"
    When user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a1", "collective_org_established": false, "assets_inventoried": false, "shares_quantified": false, "whole_village_demolished": true, "eligibility_note": "东村已于2023年整村拆迁"}
      """
    Then the case has open tasks "check_eligibility"
    When user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a2", "collective_org_established": false, "assets_inventoried": false, "shares_quantified": false, "whole_village_demolished": true, "eligibility_note": "南村已于2023年整村拆迁"}
      """
    Then the case data has "eligibility" equal to "\"mandatory\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "东村、南村整村拆迁后安置于同一小区，合并建立东南社区。", "plan_document": "file:东南社区建设方案.pdf"}
      """
    Then the case data has "villages" equal to "[\"village_a1\", \"village_a2\"]"
    And the case has open tasks "hold_meeting, hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-04-02", "adult_villagers_total": 1100, "households_total": 500, "attendees": 700, "households_represented": 350, "votes_for": 600, "votes_against": 100, "minutes_file": "file:东村村民会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    Then the case has open tasks "hold_meeting"
    When user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-03", "adult_villagers_total": 700, "households_total": 320, "attendees": 250, "households_represented": 250, "votes_for": 200, "votes_against": 50, "minutes_file": "file:南村户代表会议纪要.pdf", "sign_in_file": "file:南村签到表.pdf", "ballots_file": "file:南村表决票.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    And the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "南村签到表缺页，请补正" and:
      """
      {"review_decision": "correct", "defective_papers": ["sign_in_file"], "defective_villages": ["village_a2"], "review_opinion": "南村签到表只有前两页，与到会户数不符。"}
      """
    Then the case has open tasks "correct_meeting_papers"
    And user "village_a1" does not see task "correct_meeting_papers" in the inbox
    When user "village_a2" completes task "correct_meeting_papers" with:
      """
      {"corrected_papers": ["sign_in_file"], "sign_in_file": "file:南村签到表（完整）.pdf", "correction_note": "已补齐签到表全部页。"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "材料齐全，同意" and:
      """
      {"review_decision": "pass"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕20号", "approval_date": "2024-05-06", "approval_file": "file:沣西管发〔2024〕20号批复.pdf"}
      """
    Then the case has open tasks "file_record"
    When user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-05-07"}
      """
    Then the case has open tasks "hand_over_seals, hand_over_seals, party_organisation, transition_decision, urban_treatment"
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
    And user "village_a1" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 4, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-05-06"}
      """
    And user "village_a2" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道南村村民委员会", "seal_count": 2, "seal_list_file": "file:南村印章移交清单.pdf", "handover_date": "2024-05-07"}
      """
    And user "street_a" completes task "rename_and_seal" with:
      """
      {"registered_committee_name": "沣西新城甲街道东南社区居民委员会", "old_seals_sealed": true, "sealed_seal_count": 6, "seal_sealing_date": "2024-05-07", "new_seal_issued": true, "seal_issue_date": "2024-05-08"}
      """
    Then the case is completed at end event "撤村建居完成"
    And the directory lists "village_a1, village_a2" as converted into the new community "甲街道东南社区" under "street_a" on "2024-05-06"
    And the start form of "village_to_community" offers user "street_a" no "village_a2" at "other_villages"
    And user "street_a" is refused with 422 at "other_villages/0" when starting a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"]}
      """

  Scenario: 两村建一社区，一村同意一村不同意，方案退回修改后两村重新表决，管委会不予批准后撤回申请
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"]}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "两村合并建立东南社区。", "plan_document": "file:东南社区建设方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-02", "adult_villagers_total": 1100, "households_total": 500, "attendees": 400, "households_represented": 400, "votes_for": 300, "votes_against": 100, "minutes_file": "file:东村会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    And user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-03", "adult_villagers_total": 700, "households_total": 320, "attendees": 240, "households_represented": 240, "votes_for": 100, "votes_against": 140, "minutes_file": "file:南村会议纪要.pdf", "sign_in_file": "file:南村签到表.pdf", "ballots_file": "file:南村表决票.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"rejected\""
    And the case data has "rejected_villages" equal to "[\"village_a2\"]"
    And the case has open tasks "draft_plan"
    And the case has no open task "civil_review"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案（修订）", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "增加南村集体资产单独核算条款。", "plan_document": "file:东南社区建设方案（修订）.pdf"}
      """
    Then the case has open tasks "hold_meeting, hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-20", "adult_villagers_total": 1100, "households_total": 500, "attendees": 400, "households_represented": 400, "votes_for": 320, "votes_against": 80, "minutes_file": "file:东村会议纪要（二）.pdf", "sign_in_file": "file:东村签到表（二）.pdf", "ballots_file": "file:东村表决票（二）.pdf"}
      """
    And user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-21", "adult_villagers_total": 700, "households_total": 320, "attendees": 240, "households_represented": 240, "votes_for": 180, "votes_against": 60, "minutes_file": "file:南村会议纪要（二）.pdf", "sign_in_file": "file:南村签到表（二）.pdf", "ballots_file": "file:南村表决票（二）.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    When user "civil_affairs" completes task "civil_review" with comment "同意报批" and:
      """
      {"review_decision": "pass"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-05-20"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "reject", "rejection_reason": "安置小区尚未竣工，暂不具备建立社区条件。"}
      """
    Then the case has open tasks "after_rejection"
    And user "street_a" is refused with 422 at "rejection_note" when completing task "after_rejection" with:
      """
      {"rejection_action": "withdraw"}
      """
    When user "street_a" completes task "after_rejection" with:
      """
      {"rejection_action": "withdraw", "rejection_note": "待安置小区竣工后另行申请。"}
      """
    Then the case is completed at end event "不予批准"

  Scenario: 两村建一社区，南村户代表不足三分之二会议无效，只有南村重新召开会议，东村的表决仍然有效
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"]}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "两村合并建立东南社区。", "plan_document": "file:东南社区建设方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-02", "adult_villagers_total": 1100, "households_total": 500, "attendees": 400, "households_represented": 400, "votes_for": 300, "votes_against": 100, "minutes_file": "file:东村会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    And user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-03", "adult_villagers_total": 700, "households_total": 321, "attendees": 213, "households_represented": 213, "votes_for": 200, "votes_against": 13, "minutes_file": "file:南村会议纪要.pdf", "sign_in_file": "file:南村签到表.pdf", "ballots_file": "file:南村表决票.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"invalid\""
    And the case data has "invalid_villages" equal to "[\"village_a2\"]"
    And the case has open tasks "hold_meeting"
    And user "village_a1" does not see task "hold_meeting" in the inbox
    When user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-12", "adult_villagers_total": 700, "households_total": 321, "attendees": 214, "households_represented": 214, "votes_for": 200, "votes_against": 14, "minutes_file": "file:南村会议纪要（二）.pdf", "sign_in_file": "file:南村签到表（二）.pdf", "ballots_file": "file:南村表决票（二）.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    And the case has open tasks "civil_review"

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

  Scenario: 条件不齐退回村委会补齐后并入就近社区，管委会不予批准，修改方案重新报批后批准
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
      {"plan_title": "东村并入和平社区方案", "conversion_mode": "merge_nearest_community", "target_community": "community_a1", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 260, "village_population": 980, "plan_summary": "东村撤销建制，居民并入就近的和平社区。", "plan_document": "file:东村并入和平社区方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-05-10", "adult_villagers_total": 700, "households_total": 260, "attendees": 240, "households_represented": 240, "votes_for": 200, "votes_against": 40, "minutes_file": "file:东村会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
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
      {"approval_decision": "reject", "rejection_reason": "方案未明确并入后社区规模与网格调整，请研究调整方案。"}
      """
    And user "street_a" completes task "after_rejection" with:
      """
      {"rejection_action": "revise", "rejection_note": "补充并入后社区规模与网格调整安排。"}
      """
    Then the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村并入和平社区方案（修订）", "conversion_mode": "merge_nearest_community", "target_community": "community_a1", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 260, "village_population": 980, "plan_summary": "并入后和平社区调整为十二个网格。", "plan_document": "file:东村并入和平社区方案（修订）.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-06-10", "adult_villagers_total": 700, "households_total": 260, "attendees": 240, "households_represented": 240, "votes_for": 220, "votes_against": 20, "minutes_file": "file:东村会议纪要（二）.pdf", "sign_in_file": "file:东村签到表（二）.pdf", "ballots_file": "file:东村表决票（二）.pdf"}
      """
    And user "civil_affairs" completes task "civil_review" with comment "同意报批" and:
      """
      {"review_decision": "pass"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-06-20"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕31号", "approval_date": "2024-06-25", "approval_file": "file:沣西管发〔2024〕31号批复.pdf"}
      """
    Then the case has open tasks "hand_over_seals, party_organisation, transition_decision, urban_treatment"
    When user "village_a1" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 2, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-06-26"}
      """
    And user "street_a" completes task "rename_and_seal" with:
      """
      {"registered_committee_name": "沣西新城甲街道和平社区居民委员会", "old_seals_sealed": true, "sealed_seal_count": 2, "seal_sealing_date": "2024-06-26", "new_seal_issued": true, "seal_issue_date": "2024-06-27"}
      """
    And user "street_a" completes task "party_organisation" with:
      """
      {"party_org_name": "中共沣西新城甲街道和平社区委员会", "party_org_level": "branch", "secretary_and_director": "陈静", "one_person_both_posts": true, "party_members": 80}
      """
    And user "street_a" completes task "transition_decision" with:
      """
      {"election_due": false, "direct_transition": true, "public_affairs_continued": true}
      """
    And user "civil_affairs" completes task "urban_treatment" with:
      """
      {"urban_services": ["education", "medical", "health_family_planning", "pension", "minimum_living_allowance"], "effective_from_approval": true, "urban_funding_standard": true}
      """
    Then the case is completed at end event "撤村建居完成"
    And the directory lists "village_a1" as converted into "community_a1" on "2024-06-25"

  Scenario: 表决边界：到会恰为半数且户代表不足三分之二会议无效，户代表恰为三分之二而同意恰为半数不通过，修改后过半数通过，复审退回修改方案
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
      {"plan_title": "东村融入和平社区方案", "conversion_mode": "integrate_into_community", "target_community": "community_a1", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "东村居民整体融入和平社区。", "plan_document": "file:东村融入和平社区方案.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-06-01", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 199, "votes_for": 480, "votes_against": 20, "minutes_file": "file:会议纪要.pdf", "sign_in_file": "file:签到表.pdf", "ballots_file": "file:表决票.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"invalid\""
    And the case data has "invalid_villages" equal to "[\"village_a1\"]"
    And the case has open tasks "hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-06-10", "adult_villagers_total": 1000, "households_total": 300, "attendees": 500, "households_represented": 200, "votes_for": 250, "votes_against": 250, "minutes_file": "file:会议纪要（二）.pdf", "sign_in_file": "file:签到表（二）.pdf", "ballots_file": "file:表决票（二）.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"rejected\""
    And the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村融入和平社区方案（修订）", "conversion_mode": "integrate_into_community", "target_community": "community_a1", "new_committee_name": "沣西新城甲街道和平社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "增加集体资产收益分配与就业安置条款。", "plan_document": "file:东村融入和平社区方案（修订）.pdf"}
      """
    And user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-06-25", "adult_villagers_total": 1000, "households_total": 300, "attendees": 501, "households_represented": 150, "votes_for": 251, "votes_against": 250, "minutes_file": "file:会议纪要（三）.pdf", "sign_in_file": "file:签到表（三）.pdf", "ballots_file": "file:表决票（三）.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    When user "civil_affairs" completes task "civil_review" with comment "方案须写明过渡期安排" and:
      """
      {"review_decision": "return", "review_opinion": "方案未写明村、居过渡期间的运行体制，请修改后重新表决。"}
      """
    Then the case has open tasks "draft_plan"
    And the case has no open task "civil_review"

  Scenario: 数字前后矛盾、改制方式与村数不符、缺少材料均被拒绝（422），同意人数等于到会人数可以提交
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
      {"plan_title": "东村方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村村民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "名称未改为社区居民委员会", "plan_document": 1}
      """
    And user "street_a" is refused with 422 at "village_households" when completing task "draft_plan" with:
      """
      {"plan_title": "东村方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 0, "village_population": 1200, "plan_summary": "户数为零", "plan_document": 1}
      """
    And user "street_a" is refused with 422 at "plan_document" when completing task "draft_plan" with:
      """
      {"plan_title": "东村方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "未附方案文本"}
      """
    And user "street_a" is refused with 422 at "conversion_mode" when completing task "draft_plan" with:
      """
      {"plan_title": "东村方案", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "只有一个村却选多村建一社区", "plan_document": "file:东村方案.pdf"}
      """
    And the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "东村整建制改设社区居民委员会。", "plan_document": "file:东村方案.pdf"}
      """
    Then user "village_a1" is refused with 422 at "votes_for" when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 601, "votes_against": 0, "minutes_file": "file:会议纪要.pdf", "sign_in_file": "file:签到表.pdf", "ballots_file": "file:表决票.pdf"}
      """
    And user "village_a1" is refused with 422 at "attendees" when completing task "hold_meeting" with:
      """
      {"meeting_form": "villagers_meeting", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 1001, "households_represented": 250, "votes_for": 600, "votes_against": 0, "minutes_file": "file:会议纪要.pdf", "sign_in_file": "file:签到表.pdf", "ballots_file": "file:表决票.pdf"}
      """
    And user "village_a1" is refused with 422 at "votes_against" when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 500, "votes_against": 101, "minutes_file": "file:会议纪要.pdf", "sign_in_file": "file:签到表.pdf", "ballots_file": "file:表决票.pdf"}
      """
    And user "village_a1" is refused with 422 at "households_represented" when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 301, "votes_for": 500, "votes_against": 100, "minutes_file": "file:会议纪要.pdf", "sign_in_file": "file:签到表.pdf", "ballots_file": "file:表决票.pdf"}
      """
    And user "village_a1" is refused with 422 at "sign_in_file" when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 500, "votes_against": 100, "minutes_file": 1, "ballots_file": 1}
      """
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 1000, "households_represented": 300, "votes_for": 1000, "votes_against": 0, "minutes_file": "file:会议纪要.pdf", "sign_in_file": "file:签到表.pdf", "ballots_file": "file:表决票.pdf"}
      """
    Then the case data has "meeting_result" equal to "\"passed\""
    And user "civil_affairs" is refused with 422 at "defective_villages" when completing task "civil_review" with:
      """
      {"review_decision": "correct", "defective_papers": ["minutes_file"], "review_opinion": "会议纪要未签名。"}
      """
    And user "civil_affairs" is refused with 422 at "defective_villages" when completing task "civil_review" with:
      """
      {"review_decision": "correct", "defective_papers": ["minutes_file"], "defective_villages": ["village_b1"], "review_opinion": "会议纪要未签名。"}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "correct", "defective_papers": ["minutes_file", "ballots_file"], "defective_villages": ["village_a1"], "review_opinion": "会议纪要未签名，表决票缺少监票人签字。"}
      """
    Then user "village_a1" is refused with 422 at "corrected_papers" when completing task "correct_meeting_papers" with:
      """
      {"corrected_papers": ["minutes_file"], "minutes_file": "file:会议纪要（签名）.pdf", "correction_note": "只补了纪要"}
      """
    And user "village_a1" is refused with 422 at "ballots_file" when completing task "correct_meeting_papers" with:
      """
      {"corrected_papers": ["minutes_file", "ballots_file"], "minutes_file": 1, "correction_note": "忘了附表决票"}
      """

  Scenario: 发起时只能选行政村，社区不能作为拟撤销的村，牵头村不能重复列入（422）
    Then user "street_a" is refused with 422 at "subject_org" when starting a "village_to_community" case with:
      """
      {"subject_org": "community_a1"}
      """
    And user "street_a" is refused with 422 at "other_villages/0" when starting a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["community_a1"]}
      """
    And user "street_a" is refused with 422 at "other_villages" when starting a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a1"]}
      """

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
      {"plan_title": "甲街道东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1260, "plan_summary": "东村整建制改设社区居民委员会。", "plan_document": "file:东村方案.pdf"}
      """
    Then user "village_b1" does not see task "hold_meeting" in the inbox
    And user "village_a2" does not see task "hold_meeting" in the inbox
    And user "village_b1" is refused with 403 when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 500, "votes_against": 100, "minutes_file": 1, "sign_in_file": 1, "ballots_file": 1}
      """
    And user "village_a2" is refused with 403 when completing task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-03-05", "adult_villagers_total": 1000, "households_total": 300, "attendees": 600, "households_represented": 250, "votes_for": 500, "votes_against": 100, "minutes_file": 1, "sign_in_file": 1, "ballots_file": 1}
      """
    And user "street_b" is refused with 403 when starting a "village_to_community" case with:
      """
      {"subject_org": "village_a1"}
      """

  Scenario: 两村分别审查改制条件：南村条件不齐只退回南村补齐并只重审南村，东村的审查结论保留
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"]}
      """
    Then the case has open tasks "check_eligibility, check_eligibility"
    And user "street_a" is refused with 422 at "eligibility_village" when completing task "check_eligibility" with:
      """
      {"eligibility_village": "village_b1", "collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a1", "collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a2", "collective_org_established": true, "assets_inventoried": true, "shares_quantified": false, "whole_village_demolished": false, "ineligible_action": "supplement", "eligibility_note": "南村尚未完成股权量化"}
      """
    Then the case data has "supplement_villages" equal to "[\"village_a2\"]"
    And the case has open tasks "complete_prerequisites"
    And user "village_a1" does not see task "complete_prerequisites" in the inbox
    When user "village_a2" completes task "complete_prerequisites" with:
      """
      {"completed_items": ["shares_quantification"], "supplement_report": "南村已于2024年4月完成股权量化，经村民代表会议确认。"}
      """
    Then the case has open tasks "check_eligibility"
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    Then the case data has "eligibility" equal to "\"eligible\""
    And the case data has "villages" equal to "[\"village_a1\", \"village_a2\"]"
    And the case has open tasks "draft_plan"

  Scenario: 南村条件不具备、不参与本次改制，东村一村建一社区；牵头村不能退出，退出的村不能再列入方案；同一村审查两次的，漏审的村再审
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"]}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a2", "collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a2", "collective_org_established": false, "assets_inventoried": false, "shares_quantified": false, "whole_village_demolished": false, "ineligible_action": "exclude", "eligibility_note": "南村短期内无法设立集体经济组织"}
      """
    Then the case data has "eligibility" equal to "\"recheck\""
    And the case has open tasks "check_eligibility"
    And user "street_a" is refused with 422 at "eligibility_village" when completing task "check_eligibility" with:
      """
      {"eligibility_village": "village_a2", "collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" is refused with 422 at "ineligible_action" when completing task "check_eligibility" with:
      """
      {"collective_org_established": false, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false, "ineligible_action": "exclude"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    Then the case data has "villages" equal to "[\"village_a1\"]"
    And the case data has "other_villages" equal to "[]"
    And user "street_a" is refused with 422 at "other_villages" when completing task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community", "other_villages": ["village_a2"], "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "两村合并建立东南社区。", "plan_document": "file:东南社区建设方案.pdf"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道东村社区居民委员会", "village_households": 300, "village_population": 1200, "plan_summary": "东村整建制改设社区居民委员会，南村另行研究。", "plan_document": "file:东村方案.pdf"}
      """
    Then the case has open tasks "hold_meeting"
    And user "village_a2" does not see task "hold_meeting" in the inbox

  Scenario: 两村中南村不符合条件并终止，整个申请以不符合条件结束
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"]}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a1", "collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "check_eligibility" with:
      """
      {"eligibility_village": "village_a2", "collective_org_established": false, "assets_inventoried": false, "shares_quantified": false, "whole_village_demolished": false, "ineligible_action": "terminate", "ineligible_reason": "南村未设立集体经济组织，且不同意合并"}
      """
    Then the case data has "ineligible_villages" equal to "[\"village_a2\"]"
    And the case is completed at end event "不符合条件"

  Scenario: 村里还没有村民委员会用户时办件照常发起，该村的任务列入无人办理的办件，管理员添加用户后由其办理
    Given a village "village_a3" named "甲街道北村" of "street_a" that no user holds
    And user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a3"}
      """
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "北村撤村建居方案", "conversion_mode": "one_village_one_community", "new_committee_name": "沣西新城甲街道北村社区居民委员会", "village_households": 200, "village_population": 700, "plan_summary": "北村整建制改设社区居民委员会。", "plan_document": "file:北村方案.pdf"}
      """
    Then the case has open tasks "hold_meeting"
    And the stuck-cases list shows task "hold_meeting" at "甲街道北村" with the reason "甲街道北村没有在职的「村民委员会」用户"
    When the admin adds user "village_a3" named "北村村委会 周强" with role "village_committee" at "village_a3"
    Then the stuck-cases list shows no task of the case
    When user "village_a3" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-07-02", "adult_villagers_total": 500, "households_total": 200, "attendees": 300, "households_represented": 150, "votes_for": 280, "votes_against": 20, "minutes_file": "file:北村会议纪要.pdf", "sign_in_file": "file:北村签到表.pdf", "ballots_file": "file:北村表决票.pdf"}
      """
    Then the case has open tasks "civil_review"

  Scenario: 两村建一社区全程：两村分别审查和表决，复审只退回东村表决票补正，管委会不予批准后修改方案重新报批，两村重新表决后批准，社区列入组织目录
    Given user "street_a" starts a "village_to_community" case with:
      """
      {"subject_org": "village_a1", "other_villages": ["village_a2"], "application_note": "东村、南村拟合并建立东南社区。"}
      """
    Then the case has open tasks "check_eligibility, check_eligibility"
    When user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false, "eligibility_note": "已设立股份经济合作社，清产核资和股权量化均已完成。"}
      """
    And user "street_a" completes task "check_eligibility" with:
      """
      {"collective_org_established": true, "assets_inventoried": true, "shares_quantified": true, "whole_village_demolished": false, "eligibility_note": "已设立股份经济合作社，清产核资和股权量化均已完成。"}
      """
    Then the case data has "eligibility" equal to "\"eligible\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"plan_title": "东村、南村合并建社区方案", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "两村合并建立东南社区，集体资产由股份经济合作社继续经营。", "plan_document": "file:东南社区建设方案.pdf"}
      """
    Then the case has open tasks "hold_meeting, hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-02", "adult_villagers_total": 1100, "households_total": 500, "attendees": 400, "households_represented": 400, "votes_for": 320, "votes_against": 80, "minutes_file": "file:东村会议纪要.pdf", "sign_in_file": "file:东村签到表.pdf", "ballots_file": "file:东村表决票.pdf"}
      """
    And user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-04-03", "adult_villagers_total": 700, "households_total": 320, "attendees": 250, "households_represented": 250, "votes_for": 200, "votes_against": 50, "minutes_file": "file:南村会议纪要.pdf", "sign_in_file": "file:南村签到表.pdf", "ballots_file": "file:南村表决票.pdf"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "东村表决票缺少监票人签字，请补正" and:
      """
      {"review_decision": "correct", "defective_papers": ["ballots_file"], "defective_villages": ["village_a1"], "review_opinion": "东村表决票缺少监票人签字。"}
      """
    Then the case has open tasks "correct_meeting_papers"
    When user "village_a1" completes task "correct_meeting_papers" with:
      """
      {"corrected_papers": ["ballots_file"], "ballots_file": "file:东村表决票（监票人签字）.pdf", "correction_note": "已补监票人签字。"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "材料齐全，同意报批" and:
      """
      {"review_decision": "pass"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-04-20"}
      """
    And user "district_gov" completes task "district_approve" with comment "集体资产处置不明确" and:
      """
      {"approval_decision": "reject", "rejection_reason": "方案未明确南村集体资产单独核算，请修改后重新报批。"}
      """
    Then the case has open tasks "after_rejection"
    When user "street_a" completes task "after_rejection" with:
      """
      {"rejection_action": "revise", "rejection_note": "增加南村集体资产单独核算条款后重新报批。"}
      """
    Then the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with comment "已按管委会意见修改" and:
      """
      {"plan_title": "东村、南村合并建社区方案（修订）", "conversion_mode": "multi_village_one_community", "new_committee_name": "沣西新城甲街道东南社区居民委员会", "village_households": 820, "village_population": 3100, "plan_summary": "增加南村集体资产单独核算条款。", "plan_document": "file:东南社区建设方案（修订）.pdf"}
      """
    Then the case has open tasks "hold_meeting, hold_meeting"
    When user "village_a1" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-05-08", "adult_villagers_total": 1100, "households_total": 500, "attendees": 410, "households_represented": 410, "votes_for": 350, "votes_against": 60, "minutes_file": "file:东村会议纪要（二）.pdf", "sign_in_file": "file:东村签到表（二）.pdf", "ballots_file": "file:东村表决票（二）.pdf"}
      """
    And user "village_a2" completes task "hold_meeting" with:
      """
      {"meeting_form": "household_representatives", "meeting_date": "2024-05-09", "adult_villagers_total": 700, "households_total": 320, "attendees": 240, "households_represented": 240, "votes_for": 200, "votes_against": 40, "minutes_file": "file:南村会议纪要（二）.pdf", "sign_in_file": "file:南村签到表（二）.pdf", "ballots_file": "file:南村表决票（二）.pdf"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "修订后程序合法，同意" and:
      """
      {"review_decision": "pass"}
      """
    And user "civil_upper" completes task "file_record" with:
      """
      {"filing_received": true, "filing_date": "2024-05-20"}
      """
    And user "district_gov" completes task "district_approve" with:
      """
      {"approval_decision": "approve", "approval_document_no": "沣西管发〔2024〕28号", "approval_date": "2024-05-27", "approval_file": "file:沣西管发〔2024〕28号批复.pdf"}
      """
    Then the case has open tasks "hand_over_seals, hand_over_seals, party_organisation, transition_decision, urban_treatment"
    When user "village_a1" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道东村村民委员会", "seal_count": 3, "seal_list_file": "file:东村印章移交清单.pdf", "handover_date": "2024-05-27"}
      """
    And user "village_a2" completes task "hand_over_seals" with:
      """
      {"old_village_committee_name": "沣西新城甲街道南村村民委员会", "seal_count": 2, "seal_list_file": "file:南村印章移交清单.pdf", "handover_date": "2024-05-28"}
      """
    And user "street_a" completes task "rename_and_seal" with:
      """
      {"registered_committee_name": "沣西新城甲街道东南社区居民委员会", "community_name": "东南社区", "old_seals_sealed": true, "sealed_seal_count": 5, "seal_sealing_date": "2024-05-28", "new_seal_issued": true, "seal_issue_date": "2024-05-29"}
      """
    And user "street_a" completes task "party_organisation" with:
      """
      {"party_org_name": "中共沣西新城甲街道东南社区总支部委员会", "party_org_level": "general_branch", "secretary_and_director": "王建国", "one_person_both_posts": true, "party_members": 96}
      """
    And user "street_a" completes task "transition_decision" with:
      """
      {"election_due": false, "direct_transition": true, "public_affairs_continued": true}
      """
    And user "civil_affairs" completes task "urban_treatment" with:
      """
      {"urban_services": ["education", "medical", "health_family_planning", "pension", "minimum_living_allowance"], "effective_from_approval": true, "urban_funding_standard": true}
      """
    Then the case is completed at end event "撤村建居完成"
    And the directory lists "village_a1, village_a2" as converted into the new community "甲街道东南社区" under "street_a" on "2024-05-27"
