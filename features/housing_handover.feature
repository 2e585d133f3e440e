Feature: 社区用房移交
  新建小区社区用房：自然资源局将其纳入土地出让条款（003 §四(三)），人社民政局参与总平面图审查并按
  每百户30平方米（001）、一至三层为主、一楼设“一站式”服务大厅、超过400平方米集中布置（002 §四(二)）出具意见，
  预售许可剔除社区用房面积；建成即可申请移交，分期建设的开发建设量达到30%（含本数）时移交到期，到期未建成的限期移交并按时限预警、催办；
  一至三层为主，例外须书面说明理由；出让条款未约定的退回自然资源局补正；移交面积与审定面积不一致须写明原因；人社民政局出具承诺书履行确认证明，
  住建、民政联合验收，街道与开发建设单位签署移交协议书后综合确认，社区接收并由社区服务管理机构办理权属登记（003 §八(一)）。

  Scenario: 分期建设、社区用房已建成即申请移交，一次通过，移交完成
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园", "land_parcel_no": "FX-2024-018"}
      """
    Then the case has open tasks "land_transfer_clause"
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房，无偿移交沣西新城", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    Then the case has open tasks "submit_site_plan"
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": true, "phase_count": 3, "planned_area_m2": 480, "housing_location": "小区中心，2号楼裙房1—3层", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    Then the case data has "required_area_m2" equal to "450.0"
    And the case data has "housing_compliant" equal to "true"
    And the case has open tasks "site_plan_review, housing_opinion"
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with comment "规模、位置符合标准" and:
      """
      {"opinion_decision": "pass", "opinion_text": "社区用房规模、位置符合标准，同意"}
      """
    Then the case has open tasks "presale_permit"
    When user "housing" completes task "presale_permit" with:
      """
      {"presale_permit_no": "沣西预售〔2024〕031号", "presale_excluded_area_m2": 480, "presale_basis": "依据人社民政局审核意见"}
      """
    Then the case has open tasks "build_housing"
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 35, "housing_completed": true, "built_area_m2": 480}
      """
    Then the case has open tasks "commitment_confirmation"
    When user "civil_affairs" completes task "commitment_confirmation" with:
      """
      {"commitment_decision": "fulfilled", "commitment_certificate_no": "沣西民政确〔2025〕007号", "commitment_certificate_file": "file:承诺书履行确认证明.pdf"}
      """
    Then the case has open tasks "acceptance_housing, acceptance_civil"
    When user "housing" completes task "acceptance_housing" with:
      """
      {"commitment_certificate_checked": true, "housing_acceptance_decision": "pass", "housing_acceptance_opinion": "工程质量合格，准予竣工验收备案"}
      """
    And user "civil_affairs" completes task "acceptance_civil" with:
      """
      {"civil_acceptance_decision": "pass", "civil_acceptance_opinion": "面积、楼层、服务大厅设置符合标准"}
      """
    Then the case has open tasks "sign_agreement_street, sign_agreement_developer"
    When user "street_a" completes task "sign_agreement_street" with:
      """
      {"agreement_no": "甲街道移〔2025〕01号", "street_signatory": "王主任", "street_signed_on": "2025-06-10", "street_signed": true, "agreement_file": "file:社区办公服务用房移交协议书.pdf"}
      """
    Then the case has no open task "comprehensive_confirmation"
    Then user "developer" is refused with 422 at "handover_area_m2" when completing task "sign_agreement_developer" with:
      """
      {"handover_area_m2": 470, "developer_signatory": "李经理", "developer_signed_on": "2025-06-10", "developer_signed": true, "area_differs": false}
      """
    When user "developer" completes task "sign_agreement_developer" with:
      """
      {"handover_area_m2": 480, "developer_signatory": "李经理", "developer_signed_on": "2025-06-10", "developer_signed": true, "area_differs": false}
      """
    Then the case has open tasks "comprehensive_confirmation"
    When user "housing" completes task "comprehensive_confirmation" with:
      """
      {"confirmation_decision": "pass", "confirmation_opinion": "移交协议书已签署，同意综合确认"}
      """
    Then the case has open tasks "receive_housing, title_registration"
    When user "community_a1" completes task "receive_housing" with:
      """
      {"received_area_m2": 480, "received_on": "2025-06-20", "documents_received": true}
      """
    And user "civil_affairs" completes task "title_registration" with:
      """
      {"title_certificate_no": "陕(2025)西咸新区不动产权第0001234号", "title_holder": "沣西新城社区服务管理中心", "registered_on": "2025-07-01", "title_certificate_file": "file:不动产权证书.pdf"}
      """
    Then the case is completed at end event "移交完成"

  Scenario: 出让合同未约定社区用房，退回自然资源局补签补充条款后继续
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2018〕006号", "notice_includes_housing": true, "contract_clause_included": false, "free_handover_clause": false, "planning_conditions": "规划条件未载明社区用房", "clause_missing_reason": "该地块于2018年出让，出让合同未约定社区用房配建与无偿移交，拟补签补充条款", "land_contract_file": "file:土地出让合同（2018）.pdf"}
      """
    Then the case has open tasks "land_transfer_clause"
    And the case has no open task "submit_site_plan"
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2018〕006号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "补充条款：按每百户30平方米配建社区办公服务用房，无偿移交沣西新城", "land_contract_file": "file:土地出让合同补充条款（补签）.pdf"}
      """
    Then the case has open tasks "submit_site_plan"
    And the case paper "land_contract_file" is the file "土地出让合同补充条款（补签）.pdf"

  Scenario: 社区用房面积不足每百户30平方米，民政同意亦退回修改
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": false, "planned_area_m2": 300, "housing_location": "小区东北角商业楼2—4层", "central_location": true, "lowest_floor": 2, "top_floor": 4, "service_hall_floor": 2, "concentrated_layout": false, "floor_exception": true, "floor_exception_reason": "首层规划为商业街，社区用房拟设在二至四层", "site_plan_file": "file:项目总平面图.pdf"}
      """
    Then the case data has "housing_compliant" equal to "false"
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with:
      """
      {"opinion_decision": "pass", "opinion_text": "同意"}
      """
    Then the case has open tasks "submit_site_plan"
    And the case has no open task "presale_permit"
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": false, "planned_area_m2": 460, "housing_location": "小区中心，2号楼裙房1—3层", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "revision_note": "按每百户30平方米补足面积，调整至1—3层并集中布置，服务大厅移至一楼", "site_plan_file": "file:项目总平面图.pdf"}
      """
    Then the case data has "housing_compliant" equal to "true"
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with:
      """
      {"opinion_decision": "pass", "opinion_text": "修改后规模、位置符合标准，同意"}
      """
    Then the case has open tasks "presale_permit"

  Scenario: 预售剔除面积不足重新核定；分期建设未达30%继续建设，恰好30%时移交到期，限期移交超期催办
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1200, "phased_development": true, "phase_count": 2, "planned_area_m2": 380, "housing_location": "小区中心会所1—2层", "central_location": true, "lowest_floor": 1, "top_floor": 2, "service_hall_floor": 1, "concentrated_layout": false, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with:
      """
      {"opinion_decision": "pass", "opinion_text": "规模、位置符合标准，同意"}
      """
    When user "housing" completes task "presale_permit" with:
      """
      {"presale_permit_no": "沣西预售〔2024〕040号", "presale_excluded_area_m2": 200, "presale_basis": "一期范围内社区用房"}
      """
    Then the case has open tasks "presale_permit"
    When user "housing" completes task "presale_permit" with:
      """
      {"presale_permit_no": "沣西预售〔2024〕040号", "presale_excluded_area_m2": 380, "presale_basis": "依据人社民政局审核意见剔除全部社区用房面积"}
      """
    Then the case has open tasks "build_housing"
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 29.9, "housing_completed": false, "built_area_m2": 120}
      """
    Then the case has open tasks "build_housing"
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 30, "housing_completed": false, "built_area_m2": 200}
      """
    Then the case has open tasks "handover_due"
    And task "handover_due" has a time limit of 60 "naturalDays" with urgency "normal"
    When the clock moves to "2026-04-25 09:00" and the worker runs
    Then task "handover_due" has urgency "yellow"
    When the clock moves to "2026-05-07 09:00" and the worker runs
    Then task "handover_due" has urgency "overdue"
    And user "developer" has a notification about the case
    Then user "developer" is refused with 422 at "built_area_m2" when completing task "handover_due" with:
      """
      {"housing_completed": true, "built_area_m2": 300, "completed_on": "2026-05-08"}
      """
    When user "developer" completes task "handover_due" with:
      """
      {"housing_completed": true, "built_area_m2": 380, "completed_on": "2026-05-08", "delay_reason": "主体结构验收延后"}
      """
    Then the case has open tasks "commitment_confirmation"

  Scenario: 不分期项目建成后移交，承诺未履行退回建设
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 900, "phased_development": false, "planned_area_m2": 300, "housing_location": "小区中心1—2层", "central_location": true, "lowest_floor": 1, "top_floor": 2, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with:
      """
      {"opinion_decision": "pass", "opinion_text": "规模、位置符合标准，同意"}
      """
    When user "housing" completes task "presale_permit" with:
      """
      {"presale_permit_no": "沣西预售〔2024〕052号", "presale_excluded_area_m2": 300, "presale_basis": "依据人社民政局审核意见"}
      """
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 60, "housing_completed": false, "built_area_m2": 150}
      """
    Then the case has open tasks "build_housing"
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 100, "housing_completed": true, "built_area_m2": 300}
      """
    Then the case has open tasks "commitment_confirmation"
    When user "civil_affairs" completes task "commitment_confirmation" with:
      """
      {"commitment_decision": "not_fulfilled", "commitment_comment": "社区用房被用作售楼处，未按承诺交付使用"}
      """
    Then the case has open tasks "build_housing"
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 100, "housing_completed": true, "built_area_m2": 300, "build_note": "售楼处已撤出，社区用房恢复原设计用途"}
      """
    When user "civil_affairs" completes task "commitment_confirmation" with:
      """
      {"commitment_decision": "fulfilled", "commitment_certificate_no": "沣西民政确〔2025〕011号", "commitment_certificate_file": "file:承诺书履行确认证明.pdf"}
      """
    Then the case has open tasks "acceptance_housing, acceptance_civil"

  Scenario: 联合验收不合格整改后复验，协议书有误重新签署，协议书文件补正，移交完成
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": true, "phase_count": 3, "planned_area_m2": 480, "housing_location": "小区中心，2号楼裙房1—3层", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with:
      """
      {"opinion_decision": "pass", "opinion_text": "规模、位置符合标准，同意"}
      """
    When user "housing" completes task "presale_permit" with:
      """
      {"presale_permit_no": "沣西预售〔2024〕031号", "presale_excluded_area_m2": 480, "presale_basis": "依据人社民政局审核意见"}
      """
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 40, "housing_completed": true, "built_area_m2": 480}
      """
    When user "civil_affairs" completes task "commitment_confirmation" with:
      """
      {"commitment_decision": "fulfilled", "commitment_certificate_no": "沣西民政确〔2025〕007号", "commitment_certificate_file": "file:承诺书履行确认证明.pdf"}
      """
    When user "housing" completes task "acceptance_housing" with:
      """
      {"commitment_certificate_checked": true, "housing_acceptance_decision": "pass", "housing_acceptance_opinion": "工程质量合格"}
      """
    And user "civil_affairs" completes task "acceptance_civil" with:
      """
      {"civil_acceptance_decision": "fail", "civil_acceptance_opinion": "服务大厅未设无障碍通道", "civil_rectify_items": "一楼“一站式”服务大厅增设无障碍坡道和标识"}
      """
    Then the case has open tasks "rectify_housing"
    When user "developer" completes task "rectify_housing" with:
      """
      {"rectification_report": "已增设无障碍坡道和服务大厅标识", "rectification_done": true}
      """
    Then the case has open tasks "acceptance_housing, acceptance_civil"
    When user "housing" completes task "acceptance_housing" with:
      """
      {"commitment_certificate_checked": true, "housing_acceptance_decision": "pass", "housing_acceptance_opinion": "复验合格"}
      """
    And user "civil_affairs" completes task "acceptance_civil" with:
      """
      {"civil_acceptance_decision": "pass", "civil_acceptance_opinion": "整改到位，复验合格"}
      """
    Then the case has open tasks "sign_agreement_street, sign_agreement_developer"
    When user "street_a" completes task "sign_agreement_street" with:
      """
      {"agreement_no": "甲街道移〔2025〕01号", "street_signatory": "王主任", "street_signed_on": "2025-06-10", "street_signed": true, "agreement_file": "file:社区办公服务用房移交协议书.pdf"}
      """
    And user "developer" completes task "sign_agreement_developer" with:
      """
      {"handover_area_m2": 400, "developer_signatory": "李经理", "developer_signed_on": "2025-06-10", "developer_signed": true, "area_differs": true, "area_difference_reason": "二层活动室80平方米拟作物业用房"}
      """
    When user "housing" completes task "comprehensive_confirmation" with:
      """
      {"confirmation_decision": "return", "confirmation_opinion": "协议书移交面积400平方米与审定面积480平方米不符"}
      """
    Then the case has open tasks "sign_agreement_street, sign_agreement_developer"
    When user "street_a" completes task "sign_agreement_street" with:
      """
      {"agreement_no": "甲街道移〔2025〕02号", "street_signatory": "王主任", "street_signed_on": "2025-06-15", "street_signed": true, "agreement_file": "file:社区办公服务用房移交协议书.pdf"}
      """
    And user "developer" completes task "sign_agreement_developer" with:
      """
      {"handover_area_m2": 480, "developer_signatory": "李经理", "developer_signed_on": "2025-06-15", "developer_signed": true, "area_differs": false}
      """
    When user "housing" completes task "comprehensive_confirmation" with:
      """
      {"confirmation_decision": "supplement", "confirmation_opinion": "协议书扫描件缺第3页"}
      """
    Then the case has open tasks "correct_agreement_file"
    When user "street_a" completes task "correct_agreement_file" with:
      """
      {"agreement_file": "file:移交协议书（完整扫描件）.pdf", "correction_note": "已补齐第3页"}
      """
    Then the case has open tasks "comprehensive_confirmation"
    When user "housing" completes task "comprehensive_confirmation" with:
      """
      {"confirmation_decision": "pass", "confirmation_opinion": "协议书面积与审定面积一致，同意综合确认"}
      """
    Then the case data has "handover_area_m2" equal to "480"
    And the case data has "developer_signed_on" equal to "\"2025-06-15\""
    When user "civil_affairs" completes task "title_registration" with:
      """
      {"title_certificate_no": "陕(2025)西咸新区不动产权第0001235号", "title_holder": "沣西新城社区服务管理中心", "registered_on": "2025-06-25", "title_certificate_file": "file:不动产权证书.pdf"}
      """
    Then the case has open tasks "receive_housing"
    When user "community_a1" completes task "receive_housing" with:
      """
      {"received_area_m2": 480, "received_on": "2025-06-28", "documents_received": true, "receive_note": "钥匙12把、竣工图纸一套"}
      """
    Then the case is completed at end event "移交完成"

  Scenario: 方案表单违反规则被拒绝（422）
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    Then user "developer" is refused with 422 at "phase_count" when completing task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": true, "phase_count": 1, "planned_area_m2": 480, "housing_location": "小区中心", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    And user "developer" is refused with 422 at "households" when completing task "submit_site_plan" with:
      """
      {"households": 0, "phased_development": false, "planned_area_m2": 480, "housing_location": "小区中心", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    And user "developer" is refused with 422 at "floor_exception" when completing task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": false, "planned_area_m2": 480, "housing_location": "小区中心4—5层", "central_location": true, "lowest_floor": 4, "top_floor": 5, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    And the case has open tasks "submit_site_plan"

  Scenario: 其他街道、社区不能办理本街道的移交（403）；发起时单位层级不符被拒绝（422）
    Then user "natural_resources" is refused with 422 at "developer_org" when starting a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "community_b1", "project_name": "华兴·沣西花园"}
      """
    And user "natural_resources" is refused with 422 at "subject_org" when starting a "housing_handover" case with:
      """
      {"subject_org": "village_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    Given user "natural_resources" starts a "housing_handover" case with:
      """
      {"subject_org": "community_a1", "developer_org": "dev_hx", "project_name": "华兴·沣西花园"}
      """
    When user "natural_resources" completes task "land_transfer_clause" with:
      """
      {"land_contract_no": "沣西出让〔2024〕018号", "notice_includes_housing": true, "contract_clause_included": true, "free_handover_clause": true, "planning_conditions": "按每百户30平方米配建社区办公服务用房", "land_contract_file": "file:土地出让合同补充条款.pdf"}
      """
    When user "developer" completes task "submit_site_plan" with:
      """
      {"households": 1500, "phased_development": true, "phase_count": 3, "planned_area_m2": 480, "housing_location": "小区中心，2号楼裙房1—3层", "central_location": true, "lowest_floor": 1, "top_floor": 3, "service_hall_floor": 1, "concentrated_layout": true, "floor_exception": false, "site_plan_file": "file:项目总平面图.pdf"}
      """
    When user "housing" completes task "site_plan_review" with:
      """
      {"site_plan_decision": "pass", "site_plan_comment": "总平面图符合规划条件"}
      """
    And user "civil_affairs" completes task "housing_opinion" with:
      """
      {"opinion_decision": "pass", "opinion_text": "规模、位置符合标准，同意"}
      """
    When user "housing" completes task "presale_permit" with:
      """
      {"presale_permit_no": "沣西预售〔2024〕031号", "presale_excluded_area_m2": 480, "presale_basis": "依据人社民政局审核意见"}
      """
    When user "developer" completes task "build_housing" with:
      """
      {"construction_progress_pct": 35, "housing_completed": true, "built_area_m2": 480}
      """
    When user "civil_affairs" completes task "commitment_confirmation" with:
      """
      {"commitment_decision": "fulfilled", "commitment_certificate_no": "沣西民政确〔2025〕007号", "commitment_certificate_file": "file:承诺书履行确认证明.pdf"}
      """
    When user "housing" completes task "acceptance_housing" with:
      """
      {"commitment_certificate_checked": true, "housing_acceptance_decision": "pass", "housing_acceptance_opinion": "工程质量合格"}
      """
    And user "civil_affairs" completes task "acceptance_civil" with:
      """
      {"civil_acceptance_decision": "pass", "civil_acceptance_opinion": "符合标准"}
      """
    Then user "street_b" does not see task "sign_agreement_street" in the inbox
    And user "street_b" is refused with 403 when completing task "sign_agreement_street" with:
      """
      {"agreement_no": "乙街道移〔2025〕01号", "street_signatory": "赵主任", "street_signed_on": "2025-06-10", "street_signed": true, "agreement_file": "file:社区办公服务用房移交协议书.pdf"}
      """
    And the case has open tasks "sign_agreement_street, sign_agreement_developer"
