Feature: 社区居委会设立
  新建住宅区入住率达到50%以上的，应及时成立社区居民委员会；此前由街道指导成立居民小组或由相邻社区居委会代管（003 §二(三)）。
  社区规模原则上不低于1000户、提倡3000户左右，5000户以上应调整管辖范围（003 §二(二)）。
  街道拟定设立方案 → 民政部门审核 → 管委会审批 → 选举居委会 → 核发印章与备案同步办理。

  Scenario: 入住率未达到50%，指导成立居民小组临时管理
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 1200, "survey_date": "2024-03-01"}
      """
    Then the case data has "occupancy_rate" equal to "37.5"
    And the case has no open task "draft_plan"
    When user "street_a" completes task "interim_arrangement" with:
      """
      {"interim_mode": "residents_group", "residents_group_leader": "王建国", "interim_start_date": "2024-03-05"}
      """
    Then the case is completed at end event "临时代管"

  Scenario: 规模适度，审核通过、批准、选举产生，印章与备案同步办结
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区", "residential_area_location": "沣西新城甲街道统一路以北"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    Then the case data has "occupancy_rate" equal to "62.5"
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "area_km2": 2.4, "households": 3200, "population": 9600, "housing_type": "apartment", "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7, "grid_count": 11}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "方案规范，同意报批" and:
      """
      {"review_decision": "pass"}
      """
    When user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "approve", "approval_date": "2024-04-10", "approval_doc_no": "沣西管发〔2024〕12号"}
      """
    When user "street_a" completes task "organise_election" with:
      """
      {"election_method": "household_reps", "election_date": "2024-05-08", "election_committee_size": 7}
      """
    When user "community_a1" completes task "hold_election" with:
      """
      {"election_result": "elected", "voters_registered": 1900, "voters_participated": 1620, "director_name": "李秀兰", "elected_members": 7, "secretary_concurrent": true}
      """
    Then the case has open tasks "file_record, issue_seal"
    When user "civil_affairs" completes task "file_record" with:
      """
      {"filing_no": "沣西民备〔2024〕5号", "filing_date": "2024-05-20"}
      """
    Then the case has open tasks "issue_seal"
    When user "street_a" completes task "issue_seal" with:
      """
      {"seal_name": "沣西新城甲街道和平社区居民委员会", "seal_issue_date": "2024-05-15"}
      """
    Then the case is completed at end event "已设立"
    And the case data has "committee_name" equal to "\"甲街道和平社区居民委员会\""

  Scenario: 超过5000户的方案退回拆分调整后重新报审
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 6400, "occupied_households": 4000, "survey_date": "2024-03-01"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 6400, "population": 19000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 9, "scale_justification": "小区整体规划一次建成，暂按一个社区报审。"}
      """
    Then the case has open tasks "adjust_scale"
    When user "street_a" completes task "adjust_scale" with:
      """
      {"scale_adjust_decision": "split", "split_plan_note": "以统一路为界拆分为两个社区，各约3200户"}
      """
    Then the case has open tasks "draft_plan"
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9500, "party_org_staff": 4, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 6}
      """
    Then the case has open tasks "civil_review"
    And the case has no open task "adjust_scale"

  Scenario: 超过5000户的方案书面说明理由后维持规模报审
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 5600, "occupied_households": 2800, "survey_date": "2024-03-01"}
      """
    Then the case data has "occupancy_rate" equal to "50.0"
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 5600, "population": 16000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 9, "scale_justification": "四至均为主干道和河道，小区封闭管理不宜拆分。"}
      """
    When user "street_a" completes task "adjust_scale" with:
      """
      {"scale_adjust_decision": "keep", "keep_reason": "四至均为主干道和河道，封闭小区物业统一，拆分后不便管理。"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass", "review_opinion": "同意维持规模，报管委会审批"}
      """
    Then the case has open tasks "district_approval"

  Scenario: 民政部门审核退回修改后通过
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5}
      """
    When user "civil_affairs" completes task "civil_review" with comment "四至与相邻社区重叠，请核实" and:
      """
      {"review_decision": "return", "review_opinion": "北至与相邻社区重叠，请重新核定四至"}
      """
    Then the case has open tasks "draft_plan"
    And the case has no open task "civil_review"
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "兴咸路", "households": 3100, "population": 9300, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approval"
    And the case data has "boundary_north" equal to "\"兴咸路\""

  Scenario: 管委会不予批准
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 1200, "occupied_households": 900, "survey_date": "2024-03-01"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 900, "population": 2600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "scale_justification": "该小区与周边社区隔河相望，暂无法并入相邻社区。"}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    When user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "reject", "approval_date": "2024-04-10", "rejection_reason": "规模不足1000户，宜由相邻社区代管，待周边地块建成后统筹设置"}
      """
    Then the case is completed at end event "不予批准"

  Scenario: 选举未能选出，街道另行组织选举后设立
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    When user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "approve", "approval_date": "2024-04-10", "approval_doc_no": "沣西管发〔2024〕12号"}
      """
    When user "street_a" completes task "organise_election" with:
      """
      {"election_method": "all_voters", "election_date": "2024-05-08"}
      """
    When user "community_a1" completes task "hold_election" with:
      """
      {"election_result": "failed", "voters_registered": 1950, "voters_participated": 600, "failure_reason": "参加投票人数不足，选举无效"}
      """
    Then the case has open tasks "organise_election"
    And the case has no open task "issue_seal"
    When user "street_a" completes task "organise_election" with:
      """
      {"election_method": "household_reps", "election_date": "2024-05-22", "election_note": "改为每户派代表选举"}
      """
    When user "community_a1" completes task "hold_election" with:
      """
      {"election_result": "elected", "voters_registered": 1950, "voters_participated": 1700, "director_name": "李秀兰", "elected_members": 7}
      """
    When user "street_a" completes task "issue_seal" with:
      """
      {"seal_name": "沣西新城甲街道和平社区居民委员会", "seal_issue_date": "2024-05-28"}
      """
    When user "civil_affairs" completes task "file_record" with:
      """
      {"filing_no": "沣西民备〔2024〕6号", "filing_date": "2024-05-30"}
      """
    Then the case is completed at end event "已设立"

  Scenario: 表单规则不符被拒绝（入住户数为负、居委会配备超过9人）
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    Then user "street_a" is refused with 422 at "occupied_households" when completing task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": -5, "survey_date": "2024-03-01"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    Then user "street_a" is refused with 422 at "committee_members" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 5, "committee_members": 11, "supervisory_members": 3, "service_station_staff": 7}
      """
    And the case has open tasks "draft_plan"

  Scenario: 其他街道的用户无权办理
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    Then user "street_b" is refused with 403 when starting a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    And user "street_b" does not see task "survey_occupancy" in the inbox
    And user "street_b" is refused with 403 when completing task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    And the case has open tasks "survey_occupancy"
