Feature: 社区居委会设立
  新建住宅区入住率达到50%以上的，应及时成立社区居民委员会；此前由街道指导成立居民小组或由相邻社区居委会代管（003 §二(三)）。
  代管是设立前的阶段：办件保持办理中，“代管期间复核入住率”一直在街道的待办中，有新的核查结果可随时提前填报；复核周期（流程管理员设定的默认值）届满未填报的转为到期复核（定时器），达到50%后转入拟定设立方案。
  拆分出的区域是新设社区：关联办件带着其名称和户数，居委会设立完成时纳入组织名录。人员配备按003 §五(一)的范围核验。
  社区规模原则上不低于1000户、提倡3000户左右，5000户以上应调整管辖范围（003 §二(二)），拆分出的区域另行发起设立办件并与本件关联。
  “以上”“以下”包括本数（民法典 第一千二百五十九条），入住率不经四舍五入直接比较。
  街道拟定设立方案（附设立方案、四至范围图）→ 民政部门审核（可只退回不合格的材料补正）→ 管委会审批（批复文件）→ 选举居委会 → 核发印章与备案同步办理。

  Scenario: 入住率未达到50%，相邻社区代管；复核周期届满转为到期复核，之后街道提前填报恰好50%，转入拟定设立方案
    Given the clock is at "2026-03-02 09:00"
    And user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 1200, "survey_date": "2026-03-01"}
      """
    Then the case data has "occupancy_rate" equal to "37.5"
    And the case has open tasks "interim_arrangement"
    When user "street_a" completes task "interim_arrangement" with:
      """
      {"interim_mode": "adjacent_committee", "adjacent_committee_org": "community_a1", "interim_start_date": "2026-03-05", "interim_agreement": "file:代管协议.pdf"}
      """
    Then the case has open tasks "resurvey_occupancy" and a timer "resurvey_wait" due at "2026-06-02 09:00"
    When the clock moves to "2026-06-01 09:00" and the worker runs
    Then the case has open tasks "resurvey_occupancy"
    When the clock moves to "2026-06-02 09:01" and the worker runs
    Then the case has open tasks "resurvey_due"
    And the case has no armed timer
    When user "street_a" completes task "resurvey_due" with:
      """
      {"area_total_households": 4000, "occupied_households": 1900, "survey_date": "2026-06-02"}
      """
    Then the case data has "occupancy_rate" equal to "47.5"
    And the case history ends with "timer_fired" at "resurvey_wait" before "complete" at "resurvey_due"
    And the case has open tasks "resurvey_occupancy" and a timer "resurvey_wait" due at "2026-09-02 09:01"
    When the clock moves to "2026-07-20 10:00" and the worker runs
    And user "street_a" completes task "resurvey_occupancy" with:
      """
      {"area_total_households": 4000, "occupied_households": 2000, "survey_date": "2026-07-20", "survey_note": "二期交付后提前复核"}
      """
    Then the case data has "occupancy_rate" equal to "50.0"
    And the case has open tasks "draft_plan"
    And the case has no armed timer

  Scenario: 入住率49.975%不四舍五入，未达到50%，指导成立居民小组；街道提前填报仍未达到的复核周期重新计算，再次提前填报达到50%
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 4000, "occupied_households": 1999, "survey_date": "2026-03-01"}
      """
    Then the case data has "occupancy_rate" equal to "49.975"
    And the case data has "occupancy_reached" equal to "false"
    And the case has open tasks "interim_arrangement"
    When user "street_a" completes task "interim_arrangement" with:
      """
      {"interim_mode": "residents_group", "residents_group_leader": "王建国", "interim_start_date": "2026-03-05"}
      """
    Then the case has open tasks "resurvey_occupancy" and a timer "resurvey_wait" due at "2026-06-02 09:00"
    When the clock moves to "2026-04-15 10:00" and the worker runs
    And user "street_a" completes task "resurvey_occupancy" with:
      """
      {"area_total_households": 4000, "occupied_households": 1999, "survey_date": "2026-04-15", "survey_note": "物业报送的入住数无变化"}
      """
    Then the case data has "occupancy_reached" equal to "false"
    And the case has open tasks "resurvey_occupancy" and a timer "resurvey_wait" due at "2026-07-15 10:00"
    And user "street_a" is refused with 422 at "occupied_households" when completing task "resurvey_occupancy" with:
      """
      {"area_total_households": 4000, "occupied_households": 4001, "survey_date": "2026-04-16"}
      """
    When user "street_a" completes task "resurvey_occupancy" with:
      """
      {"area_total_households": 4000, "occupied_households": 2000, "survey_date": "2026-05-20", "survey_note": "三号楼交付后提前复核"}
      """
    Then the case data has "occupancy_reached" equal to "true"
    And the case has open tasks "draft_plan"
    And the case has no armed timer

  Scenario: 已入住户数超过规划总户数被拒绝（422），恰好50%直接拟定方案
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    Then user "street_a" is refused with 422 at "occupied_households" when completing task "survey_occupancy" with:
      """
      {"area_total_households": 3000, "occupied_households": 3001, "survey_date": "2026-03-01"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3000, "occupied_households": 1500, "survey_date": "2026-03-01"}
      """
    Then the case data has "occupancy_reached" equal to "true"
    And the case has open tasks "draft_plan"

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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "area_km2": 2.4, "households": 3200, "population": 9600, "housing_type": "apartment", "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7, "grid_count": 11, "plan_document": "file:和平社区设立方案.pdf", "boundary_map": "file:和平社区四至范围图.pdf"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with comment "方案规范，同意报批" and:
      """
      {"review_decision": "pass"}
      """
    When user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "approve", "approval_date": "2024-04-10", "approval_doc_no": "沣西管发〔2024〕12号", "approval_file": "file:同意设立和平社区居委会的批复.pdf"}
      """
    When user "street_a" completes task "organise_election" with:
      """
      {"election_method": "household_reps", "election_date": "2024-05-08", "election_committee_size": 7}
      """
    When user "community_a1" completes task "hold_election" with:
      """
      {"election_result": "elected", "voters_registered": 1900, "voters_participated": 1620, "director_name": "李秀兰", "elected_members": 7, "secretary_concurrent": true, "election_minutes": "file:选举会议纪要.pdf"}
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
    And the directory has no organisation "甲街道和平社区居民委员会"
    And the case paper "approval_file" is the file "同意设立和平社区居委会的批复.pdf"

  Scenario: 恰好5000户须调整规模：拆分出的区域另行发起设立办件，两件相互关联
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 5000, "population": 15000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 9, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    Then the case has open tasks "adjust_scale"
    And user "street_a" is refused with 422 at "split_area_households" when completing task "adjust_scale" with:
      """
      {"scale_adjust_decision": "split", "split_area_name": "和平家园北区", "split_area_households": 5000, "split_area_community": "community_a1", "split_plan_note": "以统一路为界拆分为两个社区，北区另行设立"}
      """
    When user "street_a" completes task "adjust_scale" with:
      """
      {"scale_adjust_decision": "split", "split_area_name": "和平家园北区", "split_area_households": 1800, "split_area_community": "community_a1", "split_plan_note": "以统一路为界拆分为两个社区，北区另行设立"}
      """
    Then the case has open tasks "draft_plan"
    And the case has a linked case "拆分设立" of "和平家园北区社区居委会设立" with open tasks "survey_occupancy"
    And the linked case "拆分设立" names this case as where it came from
    And the linked case "拆分设立" has "planned_households" equal to "1800"
    And the linked case "拆分设立" has "split_from_area" equal to "\"和平家园小区\""
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9500, "party_org_staff": 4, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 6, "plan_document": "file:设立方案（拆分后）.pdf", "boundary_map": "file:四至范围图（拆分后）.pdf"}
      """
    Then the case has open tasks "civil_review"
    And the case has no open task "adjust_scale"

  Scenario: 拆分出的区域作为新设社区办理设立，居委会设立完成时纳入组织名录（日志记载、可重放核验）
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 6400, "occupied_households": 4000, "survey_date": "2024-03-01"}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 6400, "population": 19000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 9, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    And user "street_a" completes task "adjust_scale" with:
      """
      {"scale_adjust_decision": "split", "split_area_name": "和平家园北区", "split_area_households": 3000, "split_area_community": "community_a1", "split_plan_note": "以统一路为界拆分，北区另行设立"}
      """
    And we turn to the linked case "拆分设立"
    And user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3000, "occupied_households": 1600, "survey_date": "2024-03-05"}
      """
    And user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平北社区", "committee_name": "甲街道和平北社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路北侧", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3000, "population": 8800, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:北区设立方案.pdf", "boundary_map": "file:北区四至范围图.pdf"}
      """
    And user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    And user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "approve", "approval_date": "2024-04-10", "approval_doc_no": "沣西管发〔2024〕13号", "approval_file": "file:同意设立和平北社区居委会的批复.pdf"}
      """
    And user "street_a" completes task "organise_election" with:
      """
      {"election_method": "all_voters", "election_date": "2024-05-08"}
      """
    And user "community_a1" completes task "hold_election" with:
      """
      {"election_result": "elected", "voters_registered": 2400, "voters_participated": 2000, "director_name": "赵红梅", "elected_members": 5, "election_minutes": "file:北区选举会议纪要.pdf"}
      """
    And user "civil_affairs" completes task "file_record" with:
      """
      {"filing_no": "沣西民备〔2024〕7号", "filing_date": "2024-05-20"}
      """
    Then the directory has no organisation "甲街道和平北社区"
    When user "street_a" completes task "issue_seal" with:
      """
      {"seal_name": "沣西新城甲街道和平北社区居民委员会", "seal_issue_date": "2024-05-15"}
      """
    Then the case is completed at end event "已设立"
    And the directory has a community "甲街道和平北社区" below "street_a" added by the case, which verifies

  Scenario: 人员配备按003 §五(一)的范围核验：恰好在边界上通过，超出范围的字段被拒绝（422）
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    Then user "street_a" is refused with 422 at "party_org_staff" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 2, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    And user "street_a" is refused with 422 at "party_org_staff" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 6, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    And user "street_a" is refused with 422 at "committee_members" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 4, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    And user "street_a" is refused with 422 at "supervisory_members" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 4, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    And user "street_a" is refused with 422 at "service_station_staff" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 10, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    Then the case has open tasks "civil_review"
    And the case data has "party_org_staff" equal to "3"

  Scenario: 4999户规模适度直接报审；户数不足不能选择拆分（422）
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    When user "street_a" completes task "survey_occupancy" with:
      """
      {"area_total_households": 6000, "occupied_households": 4999, "survey_date": "2024-03-01"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 4999, "population": 15000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 9, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    Then the case has open tasks "civil_review"
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "return", "review_opinion": "北区地块已出让，请核定户数"}
      """
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 900, "population": 2700, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    Then the case has open tasks "adjust_scale"
    And user "street_a" is refused with 422 at "scale_adjust_decision" when completing task "adjust_scale" with:
      """
      {"scale_adjust_decision": "split", "split_area_name": "和平家园北区", "split_area_households": 400, "split_area_community": "community_a1", "split_plan_note": "以统一路为界拆分"}
      """
    When user "street_a" completes task "adjust_scale" with:
      """
      {"scale_adjust_decision": "redraw", "split_plan_note": "与相邻的和平里小区合并后重拟方案"}
      """
    Then the case has open tasks "draft_plan"

  Scenario: 5600户书面说明理由后维持规模报审
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 5600, "population": 16000, "party_org_staff": 5, "committee_members": 9, "supervisory_members": 3, "service_station_staff": 9, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    When user "civil_affairs" completes task "civil_review" with comment "四至与相邻社区重叠，请核实" and:
      """
      {"review_decision": "return", "review_opinion": "北至与相邻社区重叠，请重新核定四至"}
      """
    Then the case has open tasks "draft_plan"
    And the case has no open task "civil_review"
    When user "street_a" completes task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "兴咸路", "households": 3100, "population": 9300, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案（修改）.pdf", "boundary_map": "file:四至范围图（修改）.pdf"}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approval"
    And the case data has "boundary_north" equal to "\"兴咸路\""

  Scenario: 四至范围图不合格，只退回该材料补正，方案不重拟
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:和平社区设立方案.pdf", "boundary_map": "file:四至范围图（草图）.pdf"}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "supplement", "rejected_papers": ["boundary_map"], "paper_defects": "四至范围图无比例尺、未加盖街道公章"}
      """
    Then the case has open tasks "correct_papers"
    And the case has no open task "draft_plan"
    And user "street_a" is refused with 422 at "corrected_papers" when completing task "correct_papers" with:
      """
      {"corrected_papers": [{"paper": "plan_document", "file": "file:设立方案（又一版）.pdf"}]}
      """
    When user "street_a" completes task "correct_papers" with:
      """
      {"corrected_papers": [{"paper": "boundary_map", "file": "file:四至范围图（盖章）.pdf", "correction_note": "已加比例尺并盖章"}]}
      """
    Then the case has open tasks "civil_review"
    And the case paper "boundary_map" is the file "四至范围图（盖章）.pdf"
    And the case paper "plan_document" is the file "和平社区设立方案.pdf"
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    Then the case has open tasks "district_approval"

  Scenario: 不足1000户说明理由报审，管委会不予批准
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 900, "population": 2600, "party_org_staff": 3, "committee_members": 5, "supervisory_members": 3, "service_station_staff": 5, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    When user "street_a" completes task "adjust_scale" with:
      """
      {"scale_adjust_decision": "keep", "keep_reason": "该小区与周边社区隔河相望，暂无法并入相邻社区。"}
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    When user "civil_affairs" completes task "civil_review" with:
      """
      {"review_decision": "pass"}
      """
    When user "district_gov" completes task "district_approval" with:
      """
      {"approval_decision": "approve", "approval_date": "2024-04-10", "approval_doc_no": "沣西管发〔2024〕12号", "approval_file": "file:批复.pdf"}
      """
    When user "street_a" completes task "organise_election" with:
      """
      {"election_method": "all_voters", "election_date": "2024-05-08"}
      """
    Then user "community_a1" is refused with 422 at "voters_participated" when completing task "hold_election" with:
      """
      {"election_result": "failed", "voters_registered": 1950, "voters_participated": 1951, "failure_reason": "参加投票人数统计有误"}
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
      {"election_result": "elected", "voters_registered": 1950, "voters_participated": 1700, "director_name": "李秀兰", "elected_members": 7, "election_minutes": "file:选举会议纪要.pdf"}
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

  Scenario: 表单规则不符被拒绝（入住户数为负、居委会配备超过9人、缺少四至范围图）
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
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 5, "committee_members": 11, "supervisory_members": 3, "service_station_staff": 7, "plan_document": "file:设立方案.pdf", "boundary_map": "file:四至范围图.pdf"}
      """
    And user "street_a" is refused with 422 at "boundary_map" when completing task "draft_plan" with:
      """
      {"community_name": "甲街道和平社区", "committee_name": "甲街道和平社区居民委员会", "boundary_east": "沣泾大道", "boundary_south": "统一路", "boundary_west": "天雄西路", "boundary_north": "咸户路", "households": 3200, "population": 9600, "party_org_staff": 5, "committee_members": 7, "supervisory_members": 3, "service_station_staff": 7, "plan_document": "file:设立方案.pdf"}
      """
    And the case has open tasks "draft_plan"

  Scenario: 其他街道的用户无权办理；发起时所涉社区须是本街道的社区（422）
    Given user "street_a" starts a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    Then user "street_b" is refused with 403 when starting a "residents_committee" case with:
      """
      {"subject_org": "community_a1", "residential_area_name": "和平家园小区"}
      """
    And user "street_a" is refused with 422 at "subject_org" when starting a "residents_committee" case with:
      """
      {"subject_org": "village_a1", "residential_area_name": "东村安置小区"}
      """
    And user "street_b" does not see task "survey_occupancy" in the inbox
    And user "street_b" is refused with 403 when completing task "survey_occupancy" with:
      """
      {"area_total_households": 3200, "occupied_households": 2000, "survey_date": "2024-03-01"}
      """
    And the case has open tasks "survey_occupancy"
