#!/usr/bin/env python
"""Generate the bundled sample corpus of grok_finetune from the fact tables below (written for this project).

Run from anywhere: `python data/sample/make_sample.py` (stdlib only, deterministic: the same script gives
byte-identical files). It writes, next to itself:

- `corpus.jsonl`       instruction records: id, domain (medical|legal|coding), task_type (qa|summarization|code_gen),
                       lang (zh|en), source_url, timestamp (ISO-8601, UTC), instruction, input, output.
                       Several records share one source_url (one web page gives several QA pairs).
- `ood_biomed.jsonl`   English biomedical abstract-like texts for OOD probing: id, text, domain='biomed', ood=true,
                       source_url, timestamp.
- `planted_pairs.json` near duplicates planted in corpus.jsonl: [{"a", "b", "kind", "jaccard", "edit"}], kind is
                       `exact` (identical text, other URL), `near` (small edit, Jaccard > 0.95) or `decoy`
                       (a larger edit, Jaccard clearly below 0.95: a correct dedup must NOT drop it).
- `domain_map.json`    {"medical": 0, "legal": 1, "coding": 2}
- `pretrain.txt`       one plain-text sample per line (Chinese and English), for tokenizer training and demos.

Jaccard definition used in planted_pairs.json (`record_text` + `shingles` below):
  text      = "\\n".join(v for v in (instruction, input, output) if v)      (no other normalisation)
  shingles  = the set of all character 5-grams of text (a text shorter than 5 characters is one shingle)
  jaccard   = |A & B| / |A | B|
The script asserts that no pair of corpus records other than the planted exact/near pairs reaches Jaccard 0.9,
so the planted list is the complete ground truth for "Jaccard > 0.95" on this corpus.
"""
import hashlib, itertools, json, random
from datetime import datetime, timedelta, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20260101
SHINGLE = 5

# ----------------------------------------------------------------------------------------------------------
# Medical facts: (zh name, en name, slug, zh symptoms, en symptoms, drugs (keys of DRUGS), zh dept, en dept,
#                 zh tests, en tests, zh complications, en complications, zh lifestyle advice, en lifestyle advice)
DISEASES = [
    ('高血压', 'hypertension', 'hypertension', ['头痛', '头晕', '心悸', '耳鸣'], ['headache', 'dizziness', 'palpitations', 'ringing in the ears'],
     ['amlodipine', 'valsartan', 'hydrochlorothiazide'], '心内科', 'cardiology', '多次测量诊室血压，必要时做24小时动态血压监测', 'repeated office blood pressure readings and, if needed, 24-hour ambulatory monitoring',
     ['脑卒中', '心力衰竭', '慢性肾脏病'], ['stroke', 'heart failure', 'chronic kidney disease'], '低盐饮食，每天食盐不超过5克，规律运动，戒烟限酒', 'a low-salt diet below 5 g of salt a day, regular exercise, no smoking and little alcohol'),
    ('2型糖尿病', 'type 2 diabetes', 'type-2-diabetes', ['口渴多饮', '多尿', '体重下降', '视物模糊'], ['excessive thirst', 'frequent urination', 'weight loss', 'blurred vision'],
     ['metformin', 'insulin', 'glimepiride'], '内分泌科', 'endocrinology', '空腹血糖、口服葡萄糖耐量试验和糖化血红蛋白', 'fasting plasma glucose, an oral glucose tolerance test and HbA1c',
     ['糖尿病肾病', '视网膜病变', '周围神经病变'], ['diabetic kidney disease', 'retinopathy', 'peripheral neuropathy'], '控制总热量，少吃精制糖，每周至少150分钟中等强度运动', 'controlled calorie intake, little refined sugar and at least 150 minutes of moderate exercise a week'),
    ('冠心病', 'coronary heart disease', 'coronary-heart-disease', ['胸痛', '胸闷', '活动后气短', '左肩放射痛'], ['chest pain', 'chest tightness', 'shortness of breath on exertion', 'pain spreading to the left shoulder'],
     ['aspirin', 'atorvastatin', 'nitroglycerin'], '心内科', 'cardiology', '心电图、运动负荷试验和冠状动脉造影', 'an ECG, an exercise stress test and coronary angiography',
     ['心肌梗死', '心律失常', '心力衰竭'], ['myocardial infarction', 'arrhythmia', 'heart failure'], '戒烟，控制血脂和血压，避免饱餐后剧烈活动', 'stopping smoking, controlling lipids and blood pressure and avoiding hard exertion after heavy meals'),
    ('支气管哮喘', 'asthma', 'asthma', ['喘息', '夜间咳嗽', '呼吸困难', '胸部发紧'], ['wheezing', 'night-time cough', 'shortness of breath', 'chest tightness'],
     ['salbutamol', 'budesonide'], '呼吸内科', 'respiratory medicine', '肺功能检查和支气管舒张试验', 'spirometry with a bronchodilator reversibility test',
     ['哮喘持续状态', '肺气肿'], ['status asthmaticus', 'emphysema'], '避开花粉、尘螨和冷空气等诱因，随身携带急救吸入剂', 'avoiding triggers such as pollen, dust mites and cold air and carrying a rescue inhaler'),
    ('社区获得性肺炎', 'community-acquired pneumonia', 'pneumonia', ['发热', '咳嗽', '咳黄痰', '胸痛'], ['fever', 'cough', 'yellow sputum', 'chest pain'],
     ['amoxicillin', 'azithromycin'], '呼吸内科', 'respiratory medicine', '胸部X线或CT、血常规和C反应蛋白', 'a chest X-ray or CT, a full blood count and C-reactive protein',
     ['胸腔积液', '脓毒症', '呼吸衰竭'], ['pleural effusion', 'sepsis', 'respiratory failure'], '多休息、多饮水，老年人可接种肺炎球菌疫苗', 'rest, plenty of fluids and, for older adults, the pneumococcal vaccine'),
    ('胃食管反流病', 'gastro-oesophageal reflux disease', 'gerd', ['烧心', '反酸', '胸骨后疼痛', '慢性咳嗽'], ['heartburn', 'acid regurgitation', 'pain behind the breastbone', 'chronic cough'],
     ['omeprazole'], '消化内科', 'gastroenterology', '胃镜检查和24小时食管pH监测', 'upper endoscopy and 24-hour oesophageal pH monitoring',
     ['反流性食管炎', 'Barrett食管'], ['reflux oesophagitis', "Barrett's oesophagus"], '睡前3小时不进食，抬高床头，减少咖啡和辛辣食物', 'no food in the 3 hours before bed, raising the head of the bed and less coffee and spicy food'),
    ('消化性溃疡', 'peptic ulcer disease', 'peptic-ulcer', ['上腹痛', '饥饿时疼痛', '嗳气', '黑便'], ['upper abdominal pain', 'pain when hungry', 'belching', 'black stools'],
     ['omeprazole', 'amoxicillin', 'clarithromycin'], '消化内科', 'gastroenterology', '胃镜检查和幽门螺杆菌检测（如碳13呼气试验）', 'endoscopy and Helicobacter pylori testing such as the urea breath test',
     ['消化道出血', '穿孔', '幽门梗阻'], ['gastrointestinal bleeding', 'perforation', 'gastric outlet obstruction'], '规律进餐，戒烟戒酒，避免长期自行服用止痛药', 'regular meals, no smoking or alcohol and not taking painkillers long term without advice'),
    ('偏头痛', 'migraine', 'migraine', ['单侧搏动性头痛', '畏光', '恶心', '呕吐'], ['one-sided throbbing headache', 'sensitivity to light', 'nausea', 'vomiting'],
     ['ibuprofen', 'sumatriptan'], '神经内科', 'neurology', '以病史诊断为主，必要时做头颅MRI排除其他疾病', 'a careful history, with a brain MRI only when other causes must be ruled out',
     ['药物过度使用性头痛'], ['medication-overuse headache'], '保证规律睡眠，记录头痛日记，找出饮食和压力等诱因', 'regular sleep and a headache diary to find triggers such as food and stress'),
    ('抑郁症', 'depression', 'depression', ['情绪低落', '兴趣减退', '失眠', '疲乏'], ['low mood', 'loss of interest', 'insomnia', 'fatigue'],
     ['sertraline', 'fluoxetine'], '精神科', 'psychiatry', '精神科医生面谈评估，可配合PHQ-9等量表', 'an assessment by a psychiatrist, supported by questionnaires such as the PHQ-9',
     ['自伤风险', '社会功能下降'], ['risk of self-harm', 'loss of social functioning'], '坚持治疗，保持适量运动和社交，出现自杀念头时立即求助', 'staying on treatment, keeping active and in contact with others, and seeking help at once with suicidal thoughts'),
    ('类风湿关节炎', 'rheumatoid arthritis', 'rheumatoid-arthritis', ['晨僵', '手指关节肿痛', '乏力', '关节畸形'], ['morning stiffness', 'swollen painful finger joints', 'tiredness', 'joint deformity'],
     ['methotrexate'], '风湿免疫科', 'rheumatology', '类风湿因子、抗CCP抗体、血沉和关节影像', 'rheumatoid factor, anti-CCP antibodies, ESR and joint imaging',
     ['关节破坏', '间质性肺病'], ['joint destruction', 'interstitial lung disease'], '早期规范使用改善病情药物，适度功能锻炼', 'early disease-modifying treatment and gentle joint exercise'),
    ('痛风', 'gout', 'gout', ['大脚趾关节红肿', '夜间剧烈疼痛', '关节发热', '痛风石'], ['a red swollen big toe joint', 'severe pain at night', 'a hot joint', 'tophi'],
     ['colchicine', 'allopurinol'], '风湿免疫科', 'rheumatology', '血尿酸测定，必要时关节液检查找尿酸盐结晶', 'serum uric acid and, when needed, joint fluid examined for urate crystals',
     ['痛风性肾病', '慢性关节损害'], ['urate kidney disease', 'chronic joint damage'], '少吃动物内脏和海鲜，不喝啤酒和含糖饮料，多喝水', 'less offal and seafood, no beer or sugary drinks and plenty of water'),
    ('甲状腺功能亢进症', 'hyperthyroidism', 'hyperthyroidism', ['心悸', '怕热多汗', '体重下降', '手抖'], ['palpitations', 'heat intolerance and sweating', 'weight loss', 'tremor'],
     ['methimazole'], '内分泌科', 'endocrinology', '甲状腺功能（TSH、FT3、FT4）和甲状腺超声', 'thyroid function tests (TSH, free T3, free T4) and a thyroid ultrasound',
     ['甲亢性心脏病', '甲状腺危象'], ['thyrotoxic heart disease', 'thyroid storm'], '避免高碘食物如海带紫菜，按时复查甲功', 'avoiding iodine-rich food such as seaweed and having thyroid tests on schedule'),
    ('缺铁性贫血', 'iron-deficiency anaemia', 'iron-deficiency-anemia', ['乏力', '面色苍白', '头晕', '指甲变脆'], ['tiredness', 'pale skin', 'dizziness', 'brittle nails'],
     ['ferrous-sulfate'], '血液科', 'haematology', '血常规、血清铁蛋白和转铁蛋白饱和度', 'a full blood count, serum ferritin and transferrin saturation',
     ['心脏负担加重', '儿童发育迟缓'], ['strain on the heart', 'delayed development in children'], '多吃红肉、动物肝脏，同时查找失血原因', 'more red meat and liver, and looking for the cause of blood loss'),
    ('慢性阻塞性肺疾病', 'chronic obstructive pulmonary disease', 'copd', ['慢性咳嗽', '咳痰', '活动后气短', '桶状胸'], ['chronic cough', 'sputum', 'breathlessness on exertion', 'barrel chest'],
     ['tiotropium', 'salbutamol'], '呼吸内科', 'respiratory medicine', '肺功能检查，吸入支气管舒张剂后FEV1/FVC小于0.70', 'spirometry showing a post-bronchodilator FEV1/FVC below 0.70',
     ['肺源性心脏病', '呼吸衰竭'], ['cor pulmonale', 'respiratory failure'], '戒烟是最重要的措施，接种流感疫苗，坚持肺康复锻炼', 'stopping smoking above all, a yearly flu vaccine and pulmonary rehabilitation'),
    ('骨质疏松症', 'osteoporosis', 'osteoporosis', ['腰背痛', '身高变矮', '驼背', '轻微外伤后骨折'], ['back pain', 'loss of height', 'stooped posture', 'fractures after minor falls'],
     ['alendronate'], '骨科', 'orthopaedics', '双能X线骨密度检测，T值小于等于-2.5', 'a DXA bone density scan with a T-score of -2.5 or lower',
     ['髋部骨折', '椎体压缩骨折'], ['hip fracture', 'vertebral compression fracture'], '补充钙和维生素D，多晒太阳，防止跌倒', 'calcium and vitamin D, time in the sun and preventing falls'),
    ('流行性感冒', 'influenza', 'influenza', ['高热', '全身肌肉酸痛', '咽痛', '乏力'], ['high fever', 'aching muscles', 'sore throat', 'exhaustion'],
     ['oseltamivir', 'ibuprofen'], '发热门诊', 'the fever clinic', '流感病毒抗原或核酸检测', 'an influenza antigen or PCR test',
     ['肺炎', '心肌炎'], ['pneumonia', 'myocarditis'], '每年接种流感疫苗，勤洗手，生病时居家休息', 'a flu vaccine every year, frequent hand washing and staying home when ill'),
    ('尿路感染', 'urinary tract infection', 'urinary-tract-infection', ['尿频', '尿急', '尿痛', '下腹不适'], ['frequent urination', 'urgency', 'burning when passing urine', 'lower abdominal discomfort'],
     ['nitrofurantoin'], '泌尿外科', 'urology', '尿常规和尿培养', 'urinalysis and a urine culture',
     ['肾盂肾炎', '反复感染'], ['pyelonephritis', 'recurrent infection'], '多喝水，不憋尿，注意个人卫生', 'drinking enough water, not holding urine and good personal hygiene'),
    ('慢性心力衰竭', 'chronic heart failure', 'heart-failure', ['呼吸困难', '夜间不能平卧', '下肢水肿', '乏力'], ['breathlessness', 'being unable to lie flat at night', 'swollen ankles', 'fatigue'],
     ['furosemide', 'metoprolol'], '心内科', 'cardiology', '超声心动图和BNP或NT-proBNP', 'an echocardiogram and BNP or NT-proBNP',
     ['急性心衰发作', '恶性心律失常'], ['acute decompensation', 'dangerous arrhythmias'], '限制钠盐和液体摄入，每天称体重', 'limiting salt and fluid and weighing yourself every day'),
    ('慢性肾脏病', 'chronic kidney disease', 'chronic-kidney-disease', ['夜尿增多', '水肿', '乏力', '食欲减退'], ['passing urine at night', 'swelling', 'tiredness', 'poor appetite'],
     ['valsartan'], '肾内科', 'nephrology', '估算肾小球滤过率（eGFR）和尿白蛋白肌酐比', 'estimated glomerular filtration rate (eGFR) and urine albumin-to-creatinine ratio',
     ['肾衰竭', '贫血', '高钾血症'], ['kidney failure', 'anaemia', 'hyperkalaemia'], '控制血压和血糖，避免肾毒性药物，低蛋白饮食需遵医嘱', 'controlling blood pressure and glucose, avoiding kidney-toxic drugs and following dietary advice on protein'),
    ('湿疹', 'eczema', 'eczema', ['皮肤瘙痒', '红斑', '渗出', '皮肤干燥'], ['itching', 'red patches', 'weeping skin', 'dry skin'],
     ['hydrocortisone'], '皮肤科', 'dermatology', '根据皮疹表现诊断，必要时做过敏原检测', 'diagnosis from the look of the rash, with allergy tests when needed',
     ['皮肤继发感染'], ['secondary skin infection'], '每天涂保湿霜，避免过热洗澡和搔抓', 'moisturising every day and avoiding hot baths and scratching'),
    ('慢性乙型肝炎', 'chronic hepatitis B', 'hepatitis-b', ['乏力', '食欲减退', '右上腹不适', '黄疸'], ['tiredness', 'poor appetite', 'discomfort under the right ribs', 'jaundice'],
     ['entecavir'], '感染科', 'infectious diseases', '乙肝五项、HBV DNA定量和肝功能', 'hepatitis B serology, HBV DNA load and liver function tests',
     ['肝硬化', '肝细胞癌'], ['cirrhosis', 'hepatocellular carcinoma'], '戒酒，定期复查肝脏超声和甲胎蛋白，家人接种乙肝疫苗', 'no alcohol, regular liver ultrasound and AFP checks, and vaccinating family members'),
    ('帕金森病', "Parkinson's disease", 'parkinsons-disease', ['静止性震颤', '动作迟缓', '肌肉僵硬', '走路小碎步'], ['resting tremor', 'slowness of movement', 'muscle rigidity', 'a shuffling walk'],
     ['levodopa'], '神经内科', 'neurology', '以临床表现诊断为主，可做多巴胺转运体显像辅助', 'a clinical diagnosis, sometimes supported by a dopamine transporter scan',
     ['跌倒', '吞咽困难', '认知下降'], ['falls', 'swallowing problems', 'cognitive decline'], '坚持康复训练和太极等平衡练习，家中防滑', 'regular physiotherapy, balance training such as tai chi and a non-slip home'),
]

# drug key -> (zh name, en name, zh use, en use, zh caution, en caution)
DRUGS = {
    'aspirin': ('阿司匹林', 'aspirin', '冠心病和缺血性脑卒中的二级预防', 'secondary prevention of heart attack and ischaemic stroke', '可能引起胃肠道出血，有消化道溃疡史者慎用', 'it can cause stomach bleeding, so people with a history of ulcers need caution'),
    'metformin': ('二甲双胍', 'metformin', '2型糖尿病的一线降糖治疗', 'first-line glucose-lowering treatment in type 2 diabetes', '常见胃肠道不适，严重肾功能不全时禁用，做增强CT前后需暂停', 'stomach upset is common; it is avoided in severe kidney impairment and paused around contrast scans'),
    'amlodipine': ('氨氯地平', 'amlodipine', '高血压和稳定型心绞痛', 'high blood pressure and stable angina', '可出现踝部水肿和面部潮红', 'it may cause ankle swelling and flushing'),
    'valsartan': ('缬沙坦', 'valsartan', '高血压、心力衰竭和伴蛋白尿的肾病', 'high blood pressure, heart failure and kidney disease with protein in the urine', '需监测血钾和肌酐，孕妇禁用', 'potassium and creatinine need monitoring and it must not be used in pregnancy'),
    'hydrochlorothiazide': ('氢氯噻嗪', 'hydrochlorothiazide', '高血压和水肿', 'high blood pressure and oedema', '可能导致低钾血症和血尿酸升高', 'it can lower potassium and raise uric acid'),
    'insulin': ('胰岛素', 'insulin', '1型糖尿病和口服药控制不佳的2型糖尿病', 'type 1 diabetes and type 2 diabetes not controlled by tablets', '最主要的风险是低血糖，要学会自我监测血糖', 'the main risk is hypoglycaemia, so patients learn to check their own glucose'),
    'glimepiride': ('格列美脲', 'glimepiride', '2型糖尿病', 'type 2 diabetes', '可能引起低血糖，老年人尤其要注意', 'it can cause low blood sugar, especially in older people'),
    'atorvastatin': ('阿托伐他汀', 'atorvastatin', '降低低密度脂蛋白胆固醇，预防动脉粥样硬化', 'lowering LDL cholesterol to prevent atherosclerotic disease', '少数人出现肌肉疼痛或转氨酶升高', 'a few people get muscle pain or raised liver enzymes'),
    'nitroglycerin': ('硝酸甘油', 'nitroglycerin', '心绞痛发作时的快速缓解', 'quick relief of an angina attack', '舌下含服，常见头痛和低血压，不可与西地那非同用', 'it is taken under the tongue, often causes headache and low blood pressure, and must not be combined with sildenafil'),
    'salbutamol': ('沙丁胺醇', 'salbutamol', '哮喘和慢阻肺急性发作时缓解支气管痉挛', 'relieving bronchospasm in asthma and COPD attacks', '可引起心悸和手抖', 'it may cause palpitations and a shaky hand'),
    'budesonide': ('布地奈德', 'budesonide', '哮喘的长期控制', 'long-term control of asthma', '吸入后要漱口，预防口腔念珠菌感染', 'the mouth should be rinsed after each dose to prevent thrush'),
    'amoxicillin': ('阿莫西林', 'amoxicillin', '细菌性肺炎、中耳炎和幽门螺杆菌根除', 'bacterial pneumonia, ear infections and Helicobacter pylori eradication', '青霉素过敏者禁用', 'it must not be given to people allergic to penicillin'),
    'azithromycin': ('阿奇霉素', 'azithromycin', '非典型病原体引起的呼吸道感染', 'respiratory infections caused by atypical bacteria', '可能延长QT间期', 'it can prolong the QT interval'),
    'clarithromycin': ('克拉霉素', 'clarithromycin', '幽门螺杆菌根除和呼吸道感染', 'Helicobacter pylori eradication and respiratory infections', '与他汀类等多种药物有相互作用', 'it interacts with many drugs, including statins'),
    'omeprazole': ('奥美拉唑', 'omeprazole', '胃食管反流病和消化性溃疡', 'reflux disease and peptic ulcers', '长期使用可能导致低镁血症和维生素B12缺乏', 'long-term use may lower magnesium and vitamin B12'),
    'ibuprofen': ('布洛芬', 'ibuprofen', '发热、头痛和关节痛等', 'fever, headache and joint pain', '空腹服用伤胃，肾功能不全者慎用', 'it irritates the stomach and needs caution in kidney disease'),
    'sumatriptan': ('舒马曲坦', 'sumatriptan', '偏头痛急性发作', 'acute migraine attacks', '冠心病患者禁用', 'it must not be used by people with coronary heart disease'),
    'sertraline': ('舍曲林', 'sertraline', '抑郁症和焦虑障碍', 'depression and anxiety disorders', '起效需要2到4周，不可突然停药', 'it takes 2 to 4 weeks to work and should not be stopped suddenly'),
    'fluoxetine': ('氟西汀', 'fluoxetine', '抑郁症和强迫症', 'depression and obsessive-compulsive disorder', '初期可能出现焦虑和失眠', 'anxiety and poor sleep can occur early on'),
    'methotrexate': ('甲氨蝶呤', 'methotrexate', '类风湿关节炎', 'rheumatoid arthritis', '每周只服一次，需同时补充叶酸并定期查肝功能和血常规', 'it is taken once a week with folic acid, with regular liver and blood tests'),
    'colchicine': ('秋水仙碱', 'colchicine', '痛风急性发作', 'acute gout attacks', '剂量过大易引起腹泻', 'higher doses easily cause diarrhoea'),
    'allopurinol': ('别嘌醇', 'allopurinol', '长期降尿酸', 'long-term lowering of uric acid', '用药前建议检测HLA-B*5801以降低严重皮疹风险', 'testing for HLA-B*5801 first reduces the risk of a severe skin reaction'),
    'methimazole': ('甲巯咪唑', 'methimazole', '甲状腺功能亢进症', 'an overactive thyroid', '少数人出现粒细胞缺乏，发热咽痛时要立即查血常规', 'a few people lose their white cells, so fever with sore throat needs an urgent blood count'),
    'ferrous-sulfate': ('硫酸亚铁', 'ferrous sulfate', '缺铁性贫血', 'iron-deficiency anaemia', '会使大便变黑，可能引起便秘', 'it turns stools black and may cause constipation'),
    'tiotropium': ('噻托溴铵', 'tiotropium', '慢阻肺的维持治疗', 'maintenance treatment of COPD', '常见口干', 'dry mouth is common'),
    'alendronate': ('阿仑膦酸钠', 'alendronate', '骨质疏松症', 'osteoporosis', '早晨空腹用一大杯清水送服，服药后30分钟内保持上身直立', 'it is taken on an empty stomach with a full glass of water, staying upright for 30 minutes'),
    'oseltamivir': ('奥司他韦', 'oseltamivir', '流感的治疗和预防', 'treatment and prevention of influenza', '发病48小时内服用效果最好', 'it works best when started within 48 hours of symptoms'),
    'nitrofurantoin': ('呋喃妥因', 'nitrofurantoin', '单纯性下尿路感染', 'uncomplicated lower urinary tract infection', '肾功能明显下降时不宜使用', 'it is not suitable when kidney function is clearly reduced'),
    'furosemide': ('呋塞米', 'furosemide', '心力衰竭和肾病引起的水肿', 'oedema from heart failure and kidney disease', '需监测血钾，防止低钾血症', 'potassium must be monitored to avoid hypokalaemia'),
    'metoprolol': ('美托洛尔', 'metoprolol', '高血压、心绞痛和心力衰竭', 'high blood pressure, angina and heart failure', '心率过慢时要减量，不可突然停药', 'the dose is reduced when the pulse is too slow, and it should not be stopped suddenly'),
    'hydrocortisone': ('氢化可的松乳膏', 'hydrocortisone cream', '湿疹和皮炎', 'eczema and dermatitis', '长期大面积使用可导致皮肤变薄', 'long use over large areas can thin the skin'),
    'entecavir': ('恩替卡韦', 'entecavir', '慢性乙型肝炎的抗病毒治疗', 'antiviral treatment of chronic hepatitis B', '需长期服用，擅自停药可能导致肝炎复发', 'it is taken long term, and stopping on one\'s own can cause a flare of hepatitis'),
    'levodopa': ('左旋多巴', 'levodopa', '帕金森病', "Parkinson's disease", '可出现恶心和症状波动，高蛋白饮食会影响吸收', 'it may cause nausea and on-off fluctuations, and high-protein meals reduce its absorption'),
}

# ----------------------------------------------------------------------------------------------------------
# Legal facts (summaries written for this project, not statute text):
# (law zh, law en, slug, topic zh, question zh, answer zh, question en, answer en)
LAWS_ZH = [
    ('民法典', 'Civil Code', 'civil-code', '成年年龄', '在我国多大算成年人？', '根据《民法典》，十八周岁以上的自然人为成年人，可以独立实施民事法律行为；十六周岁以上、以自己的劳动收入为主要生活来源的未成年人，视为完全民事行为能力人。',
     'At what age does a person become an adult under China\'s Civil Code?', 'Under the Civil Code a natural person aged 18 or over is an adult with full capacity for civil conduct; a minor aged 16 or over who lives mainly on his or her own earned income is treated as having full capacity.'),
    ('民法典', 'Civil Code', 'civil-code', '诉讼时效', '欠款多久不要就过了诉讼时效？', '《民法典》规定的普通诉讼时效期间为三年，自权利人知道或者应当知道权利受到损害以及义务人之日起计算；自权利受到损害之日起超过二十年的，人民法院不予保护。催讨欠款、对方同意还款等情形会使时效中断并重新计算。',
     'How long is the limitation period for a debt claim in China?', 'The general limitation period under the Civil Code is three years from when the creditor knew or should have known of the harm and of the debtor; a demand for payment or the debtor\'s promise to pay interrupts it and it starts again. After twenty years from the harm the court no longer protects the right.'),
    ('民法典', 'Civil Code', 'civil-code', '法定继承', '没有遗嘱的话，遗产由谁继承？', '没有遗嘱时按法定继承办理。《民法典》规定第一顺序继承人是配偶、子女、父母；第二顺序是兄弟姐妹、祖父母、外祖父母。继承开始后由第一顺序继承人继承，没有第一顺序继承人的，才由第二顺序继承人继承。',
     'Who inherits when someone dies without a will in China?', 'Statutory succession applies. The first order of heirs is the spouse, children and parents; the second order is siblings and grandparents. The second order inherits only when there is no heir of the first order.'),
    ('民法典', 'Civil Code', 'civil-code', '离婚冷静期', '协议离婚有冷静期吗？多长时间？', '有。依照《民法典》，自婚姻登记机关收到离婚登记申请之日起三十日内，任何一方不愿意离婚的，可以向登记机关撤回申请；期满后三十日内双方应当亲自到登记机关申请发给离婚证，未申请的视为撤回离婚登记申请。',
     'Is there a cooling-off period for divorce by agreement in China?', 'Yes. Within 30 days after the registry receives the application either spouse may withdraw it; within the following 30 days both must appear in person to obtain the divorce certificate, otherwise the application is treated as withdrawn.'),
    ('民法典', 'Civil Code', 'civil-code', '租赁期限', '房屋租赁合同最长能签多少年？', '《民法典》规定租赁期限不得超过二十年，超过二十年的，超过部分无效。租赁期限届满，当事人可以续订租赁合同，但约定的租赁期限自续订之日起同样不得超过二十年。',
     'What is the maximum term of a lease in China?', 'A lease may not exceed twenty years; any part beyond twenty years is void. The parties may renew on expiry, but the renewed term again may not exceed twenty years.'),
    ('民法典', 'Civil Code', 'civil-code', '遗嘱形式', '遗嘱有哪些合法形式？', '《民法典》规定的遗嘱形式包括自书遗嘱、代书遗嘱、打印遗嘱、录音录像遗嘱、口头遗嘱和公证遗嘱。代书、打印、录音录像遗嘱需要两个以上见证人在场；口头遗嘱只能在危急情况下订立。立有数份内容相抵触的遗嘱时，以最后的遗嘱为准。',
     'What forms of will are valid under China\'s Civil Code?', 'Handwritten, written by another, printed, audio or video recorded, oral and notarised wills. Wills written by another, printed or recorded need at least two witnesses, an oral will is only valid in an emergency, and when several wills conflict the last one prevails.'),
    ('民法典', 'Civil Code', 'civil-code', '法定婚龄', '法定结婚年龄是多少？', '根据《民法典》，结婚年龄男不得早于二十二周岁，女不得早于二十周岁。',
     'What is the legal marriage age in China?', 'Men may marry from the age of 22 and women from the age of 20.'),
    ('民法典', 'Civil Code', 'civil-code', '高空抛物', '楼上扔东西砸伤了人，找不到是谁扔的怎么办？', '《民法典》禁止从建筑物中抛掷物品。造成他人损害的，由侵权人承担责任；经调查难以确定具体侵权人的，除能够证明自己不是侵权人外，由可能加害的建筑物使用人给予补偿，物业服务企业未采取必要安全保障措施的也应承担相应责任。',
     'Who is liable when an object thrown from a building injures someone and the thrower is unknown?', 'The thrower is liable. If the thrower cannot be identified, the occupants who might have thrown it compensate the victim unless they prove they did not, and a property manager that failed to take reasonable safety measures bears its share of liability.'),
    ('劳动合同法', 'Labour Contract Law', 'labour-contract-law', '书面劳动合同', '入职两个月公司还没签劳动合同，我能要求什么？', '《劳动合同法》要求用人单位自用工之日起一个月内订立书面劳动合同。超过一个月不满一年未签订的，应当向劳动者每月支付二倍工资；满一年仍未签订的，视为双方已订立无固定期限劳动合同。',
     'My employer has not signed a written contract two months after I started. What can I claim?', 'Under the Labour Contract Law the employer must sign a written contract within one month of the start of work. From the second month until the end of the first year without one, it owes double wages for each month; after a full year the parties are deemed to have an open-ended contract.'),
    ('劳动合同法', 'Labour Contract Law', 'labour-contract-law', '试用期', '试用期最长可以约定多久？', '《劳动合同法》规定：劳动合同期限三个月以上不满一年的，试用期不得超过一个月；一年以上不满三年的，不得超过二个月；三年以上固定期限和无固定期限的，不得超过六个月。同一用人单位与同一劳动者只能约定一次试用期。',
     'How long can a probation period be in China?', 'At most one month for contracts of three months to one year, two months for one to three years, and six months for three years or more or open-ended contracts; an employer may set only one probation period with the same worker.'),
    ('劳动合同法', 'Labour Contract Law', 'labour-contract-law', '经济补偿', '被公司辞退能拿多少经济补偿？', '按照《劳动合同法》，经济补偿按劳动者在本单位工作的年限，每满一年支付一个月工资；六个月以上不满一年的按一年计算；不满六个月的支付半个月工资。违法解除劳动合同的，应按经济补偿标准的二倍支付赔偿金。',
     'How is severance pay calculated in China?', 'One month\'s wage for each full year of service, with six months or more counted as a year and less than six months as half a month. An unlawful dismissal costs twice that amount as compensation.'),
    ('劳动合同法', 'Labour Contract Law', 'labour-contract-law', '劳动者辞职', '员工辞职需要提前多久通知单位？', '劳动者提前三十日以书面形式通知用人单位，可以解除劳动合同；在试用期内提前三日通知即可。用人单位未及时足额支付劳动报酬、未依法缴纳社会保险费的，劳动者可以随时解除合同并要求经济补偿。',
     'How much notice must an employee give to resign in China?', 'Thirty days\' written notice, or three days during probation. If the employer fails to pay wages in full and on time or to pay social insurance, the employee may resign at once and claim severance.'),
    ('劳动法', 'Labour Law', 'labour-law', '加班工资', '加班费是怎么计算的？', '《劳动法》规定：工作日延长工作时间的，支付不低于工资百分之一百五十的工资报酬；休息日安排工作又不能安排补休的，支付不低于百分之二百的工资报酬；法定休假日安排工作的，支付不低于百分之三百的工资报酬。',
     'How is overtime paid under China\'s Labour Law?', 'At least 150% of the wage for extra hours on working days, at least 200% for rest days when no time off in lieu is given, and at least 300% for statutory holidays.'),
    ('消费者权益保护法', 'Consumer Rights Protection Law', 'consumer-rights-law', '七日无理由退货', '网上买的东西不喜欢可以退吗？', '《消费者权益保护法》规定，经营者采用网络、电视、电话、邮购等方式销售商品，消费者有权自收到商品之日起七日内退货，且无需说明理由。但消费者定作的、鲜活易腐的、已拆封的音像制品和计算机软件、报纸期刊等商品除外。',
     'Can I return goods bought online in China without a reason?', 'Yes, within seven days of receipt for goods sold online, by phone, TV or mail order. Exceptions include custom-made goods, fresh perishables, unsealed audio-visual products and software, and newspapers.'),
    ('消费者权益保护法', 'Consumer Rights Protection Law', 'consumer-rights-law', '欺诈赔偿', '商家卖假货怎么赔偿？', '经营者提供商品或者服务有欺诈行为的，应当按照消费者的要求增加赔偿其受到的损失，增加赔偿的金额为消费者购买商品的价款或者接受服务的费用的三倍；增加赔偿的金额不足五百元的，为五百元。这就是常说的“退一赔三”。',
     'What compensation can a consumer get for fraud by a seller in China?', 'The seller must pay additional damages of three times the price of the goods or services, with a minimum of 500 yuan, often called "refund one, compensate three".'),
    ('食品安全法', 'Food Safety Law', 'food-safety-law', '十倍赔偿', '买到过期食品可以要求十倍赔偿吗？', '《食品安全法》规定，生产不符合食品安全标准的食品或者经营明知是不符合食品安全标准的食品，消费者除要求赔偿损失外，还可以向生产者或者经营者要求支付价款十倍或者损失三倍的赔偿金；增加赔偿的金额不足一千元的，为一千元。',
     'Can a consumer claim ten times the price for unsafe food in China?', 'Yes. Besides actual losses, the consumer may claim ten times the price or three times the loss from a producer of unsafe food or a seller who knew it was unsafe, with a minimum of 1,000 yuan.'),
    ('道路交通安全法', 'Road Traffic Safety Law', 'road-traffic-law', '酒后驾驶', '喝酒后开车会受到什么处罚？', '饮酒后驾驶机动车的，暂扣六个月机动车驾驶证，并处一千元以上二千元以下罚款；醉酒驾驶的，由公安机关交通管理部门约束至酒醒，吊销驾驶证，依法追究刑事责任，五年内不得重新取得驾驶证。',
     'What is the penalty for drink-driving in China?', 'Driving after drinking means a six-month licence suspension and a fine of 1,000 to 2,000 yuan; drunk driving means licence revocation, criminal liability for dangerous driving and no new licence for five years.'),
    ('刑法', 'Criminal Law', 'criminal-law', '刑事责任年龄', '未成年人犯罪要负刑事责任吗？', '《刑法》规定，已满十六周岁的人犯罪，应当负刑事责任；已满十四周岁不满十六周岁的人，犯故意杀人、故意伤害致人重伤或者死亡、强奸、抢劫、贩卖毒品、放火、爆炸、投放危险物质罪的，应当负刑事责任。对未成年人犯罪应当从轻或者减轻处罚。',
     'At what age are minors criminally responsible in China?', 'From 16 for all crimes; from 14 for the gravest ones such as intentional homicide, robbery, rape, drug trafficking and arson. Punishment of minors is lighter or mitigated.'),
    ('刑法', 'Criminal Law', 'criminal-law', '正当防卫', '什么情况下属于正当防卫？', '为了使国家、公共利益、本人或者他人的人身、财产和其他权利免受正在进行的不法侵害，而采取的制止不法侵害的行为，对不法侵害人造成损害的，属于正当防卫，不负刑事责任。对正在进行的行凶、杀人、抢劫、强奸、绑架等严重危及人身安全的暴力犯罪，采取防卫行为造成不法侵害人伤亡的，不属于防卫过当。',
     'When does self-defence exclude criminal liability in China?', 'Harm caused to stop an ongoing unlawful attack on oneself, others or public interests is lawful self-defence. Against ongoing violent crimes that seriously endanger personal safety, such as homicide, robbery or kidnapping, even causing death is not excessive defence.'),
    ('个人信息保护法', 'Personal Information Protection Law', 'pipl', '敏感个人信息', '哪些个人信息属于敏感个人信息？', '《个人信息保护法》所称敏感个人信息包括生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹等信息，以及不满十四周岁未成年人的个人信息。处理敏感个人信息应当取得个人的单独同意。',
     'What counts as sensitive personal information under China\'s PIPL?', 'Biometrics, religious beliefs, specific identities, medical and health data, financial accounts, location tracks and all personal information of children under 14. Processing it requires the individual\'s separate consent.'),
    ('著作权法', 'Copyright Law', 'copyright-law', '保护期', '著作权的保护期是多长？', '自然人的作品，其发表权和财产权的保护期为作者终生及其死亡后五十年，截止于作者死亡后第五十年的12月31日；署名权、修改权、保护作品完整权的保护期不受限制。',
     'How long does copyright last in China?', 'For works by natural persons, economic rights last for the author\'s life plus fifty years, ending on 31 December of the fiftieth year after death; the rights of authorship and integrity are unlimited in time.'),
    ('公司法', 'Company Law', 'company-law', '有限责任', '有限责任公司的股东要对公司债务负责吗？', '有限责任公司的股东以其认缴的出资额为限对公司承担责任，公司以其全部财产对公司的债务承担责任。但股东滥用公司法人独立地位和股东有限责任、严重损害债权人利益的，应当对公司债务承担连带责任。',
     'Are shareholders of a limited liability company liable for its debts in China?', 'Only up to their subscribed capital; the company answers with all its assets. A shareholder who abuses the company\'s separate personality to evade debts and seriously harms creditors is jointly liable.'),
    ('民事诉讼法', 'Civil Procedure Law', 'civil-procedure-law', '上诉期限', '对一审判决不服，多长时间内可以上诉？', '当事人不服地方人民法院第一审判决的，有权在判决书送达之日起十五日内向上一级人民法院提起上诉；不服第一审裁定的，上诉期限为裁定书送达之日起十日内。',
     'How long is the time limit to appeal a first-instance civil judgment in China?', 'Fifteen days from service of the judgment, or ten days for a ruling, to the court at the next level.'),
]
# English-language legal topics (general common-law / EU concepts): (slug, question, answer)
LAWS_EN = [
    ('gdpr-erasure', 'What is the right to erasure under the GDPR?', 'Article 17 of the GDPR lets a person ask a controller to delete personal data without undue delay when, for example, the data are no longer needed, consent is withdrawn or the processing is unlawful. It is not absolute: freedom of expression, legal obligations and public-health reasons can override it.'),
    ('gdpr-breach', 'How quickly must a data breach be reported under the GDPR?', 'A controller must notify the supervisory authority within 72 hours of becoming aware of a personal data breach, unless the breach is unlikely to result in a risk to people. When the risk is high, the affected individuals must also be told without undue delay.'),
    ('gdpr-fines', 'How large can GDPR fines be?', 'For the most serious infringements, up to 20 million euros or 4% of worldwide annual turnover of the preceding year, whichever is higher; other infringements carry up to 10 million euros or 2%.'),
    ('contract-formation', 'What are the elements of a valid contract in common law?', 'An offer, an acceptance that mirrors the offer, consideration (something of value exchanged), an intention to create legal relations, and parties with capacity. Some contracts, such as sales of land, must also be in writing.'),
    ('negligence', 'What must a claimant prove in a negligence case?', 'That the defendant owed a duty of care, breached it by falling below the standard of a reasonable person, that the breach caused the harm, and that the harm is a recognised, not too remote, type of damage.'),
    ('flsa-overtime', 'How does overtime work under the US Fair Labor Standards Act?', 'Non-exempt employees must be paid at least one and a half times their regular rate for hours worked over 40 in a workweek. Many salaried executive, administrative and professional employees are exempt.'),
    ('copyright-term', 'How long does copyright last in the United States and the EU?', 'For works by an individual author, the life of the author plus 70 years in both. US works made for hire last 95 years from publication or 120 years from creation, whichever ends first.'),
    ('fair-use', 'What factors decide fair use in US copyright law?', 'Courts weigh four factors: the purpose and character of the use (including whether it is transformative or commercial), the nature of the work, the amount used, and the effect on the market for the original.'),
    ('patent-term', 'How long does a patent last?', 'A utility patent generally lasts 20 years from the filing date, provided maintenance fees are paid. Design patents in the US last 15 years from grant.'),
    ('security-deposit', 'Can a landlord keep a tenant\'s security deposit?', 'Only for unpaid rent or damage beyond normal wear and tear. Most US states require the landlord to return the deposit, with an itemised list of deductions, within a fixed period such as 14 to 30 days after the tenancy ends.'),
    ('miranda', 'What are Miranda rights?', 'Before a custodial interrogation in the US, police must tell a suspect of the right to remain silent, that anything said can be used in court, the right to an attorney, and that one will be appointed if the suspect cannot afford it.'),
    ('power-of-attorney', 'What is a lasting power of attorney?', 'A legal document in which a person appoints someone to make decisions on their behalf, about property and finances or about health and welfare, which stays valid if the person later loses mental capacity.'),
    ('non-compete', 'Are non-compete clauses enforceable?', 'It depends on the jurisdiction. Many courts enforce them only when they protect a legitimate business interest and are reasonable in duration, geography and scope; some US states, such as California, refuse to enforce most of them.'),
    ('small-claims', 'What is a small claims court?', 'A simplified court for disputes below a money limit, where parties usually represent themselves, procedures are informal and cases are decided quickly. The limit varies widely between jurisdictions.'),
    ('hipaa', 'What does HIPAA protect?', 'HIPAA\'s Privacy Rule protects individually identifiable health information held by health plans, healthcare providers and their business associates, and gives patients the right to see and obtain a copy of their records.'),
    ('adverse-possession', 'What is adverse possession?', 'A doctrine under which someone who openly, continuously and exclusively occupies another person\'s land without permission for a statutory period may acquire title to it.'),
]

# ----------------------------------------------------------------------------------------------------------
# Coding tasks: (slug, zh instruction, en instruction, code)
CODE_TASKS = [
    ('reverse-string', '写一个Python函数，把字符串反转。', 'Write a Python function that reverses a string.',
     'def reverse_string(s: str) -> str:\n    return s[::-1]'),
    ('is-palindrome', '写一个函数判断字符串是否为回文，忽略大小写和非字母数字字符。', 'Write a function that checks whether a string is a palindrome, ignoring case and non-alphanumeric characters.',
     'def is_palindrome(s: str) -> bool:\n    cleaned = [c.lower() for c in s if c.isalnum()]\n    return cleaned == cleaned[::-1]'),
    ('fibonacci', '用迭代的方法实现斐波那契数列的第n项。', 'Implement the n-th Fibonacci number iteratively.',
     'def fibonacci(n: int) -> int:\n    a, b = 0, 1\n    for _ in range(n):\n        a, b = b, a + b\n    return a'),
    ('factorial', '写一个计算阶乘的函数，负数时抛出ValueError。', 'Write a factorial function that raises ValueError for negative input.',
     'def factorial(n: int) -> int:\n    if n < 0:\n        raise ValueError("n must be non-negative")\n    result = 1\n    for i in range(2, n + 1):\n        result *= i\n    return result'),
    ('word-count', '统计一段英文文本中每个单词出现的次数。', 'Count how often each word occurs in a piece of English text.',
     'from collections import Counter\nimport re\n\ndef word_count(text: str) -> Counter:\n    return Counter(re.findall(r"[a-z\']+", text.lower()))'),
    ('merge-sorted', '合并两个已排序的列表，结果仍然有序。', 'Merge two sorted lists into one sorted list.',
     'def merge_sorted(a: list, b: list) -> list:\n    i = j = 0\n    out = []\n    while i < len(a) and j < len(b):\n        if a[i] <= b[j]:\n            out.append(a[i]); i += 1\n        else:\n            out.append(b[j]); j += 1\n    return out + a[i:] + b[j:]'),
    ('binary-search', '实现二分查找，找不到时返回-1。', 'Implement binary search that returns -1 when the target is missing.',
     'def binary_search(items: list, target) -> int:\n    lo, hi = 0, len(items) - 1\n    while lo <= hi:\n        mid = (lo + hi) // 2\n        if items[mid] == target:\n            return mid\n        if items[mid] < target:\n            lo = mid + 1\n        else:\n            hi = mid - 1\n    return -1'),
    ('flatten-list', '把任意嵌套的列表展平成一维列表。', 'Flatten an arbitrarily nested list into a flat list.',
     'def flatten(items) -> list:\n    out = []\n    for x in items:\n        if isinstance(x, list):\n            out.extend(flatten(x))\n        else:\n            out.append(x)\n    return out'),
    ('dedupe-order', '去除列表中的重复元素，同时保持原有顺序。', 'Remove duplicates from a list while keeping the original order.',
     'def dedupe(items: list) -> list:\n    return list(dict.fromkeys(items))'),
    ('csv-column-sum', '读取CSV文件，计算指定列的总和。', 'Read a CSV file and return the sum of one column.',
     'import csv\n\ndef column_sum(path: str, column: str) -> float:\n    with open(path, newline="", encoding="utf-8") as f:\n        return sum(float(row[column]) for row in csv.DictReader(f))'),
    ('read-jsonl', '逐行读取JSONL文件，返回字典列表，并跳过空行。', 'Read a JSONL file line by line into a list of dicts, skipping blank lines.',
     'import json\n\ndef read_jsonl(path: str) -> list:\n    with open(path, encoding="utf-8") as f:\n        return [json.loads(line) for line in f if line.strip()]'),
    ('group-by', '按照某个键对字典列表分组。', 'Group a list of dicts by the value of one key.',
     'from collections import defaultdict\n\ndef group_by(rows: list, key: str) -> dict:\n    groups = defaultdict(list)\n    for row in rows:\n        groups[row[key]].append(row)\n    return dict(groups)'),
    ('top-k', '找出列表中出现次数最多的k个元素。', 'Find the k most frequent elements of a list.',
     'from collections import Counter\n\ndef top_k(items: list, k: int) -> list:\n    return [x for x, _ in Counter(items).most_common(k)]'),
    ('email-regex', '用正则表达式粗略校验邮箱地址格式。', 'Roughly validate an email address with a regular expression.',
     'import re\n\nEMAIL = re.compile(r"^[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+$")\n\ndef is_email(s: str) -> bool:\n    return EMAIL.match(s) is not None'),
    ('chunk-list', '把列表按固定大小切分成若干块。', 'Split a list into chunks of a fixed size.',
     'def chunks(items: list, size: int) -> list:\n    if size <= 0:\n        raise ValueError("size must be positive")\n    return [items[i:i + size] for i in range(0, len(items), size)]'),
    ('moving-average', '计算数值序列的滑动平均。', 'Compute the moving average of a sequence of numbers.',
     'def moving_average(xs: list, window: int) -> list:\n    out, total = [], 0.0\n    for i, x in enumerate(xs):\n        total += x\n        if i >= window:\n            total -= xs[i - window]\n        if i >= window - 1:\n            out.append(total / window)\n    return out'),
    ('transpose', '不用numpy实现矩阵转置。', 'Transpose a matrix without numpy.',
     'def transpose(matrix: list) -> list:\n    return [list(row) for row in zip(*matrix)]'),
    ('is-prime', '判断一个整数是否为质数。', 'Check whether an integer is prime.',
     'def is_prime(n: int) -> bool:\n    if n < 2:\n        return False\n    i = 2\n    while i * i <= n:\n        if n % i == 0:\n            return False\n        i += 1\n    return True'),
    ('gcd', '用欧几里得算法求最大公约数。', 'Compute the greatest common divisor with Euclid\'s algorithm.',
     'def gcd(a: int, b: int) -> int:\n    while b:\n        a, b = b, a % b\n    return abs(a)'),
    ('anagram', '判断两个字符串是否互为变位词。', 'Check whether two strings are anagrams of each other.',
     'from collections import Counter\n\ndef is_anagram(a: str, b: str) -> bool:\n    return Counter(a.replace(" ", "").lower()) == Counter(b.replace(" ", "").lower())'),
    ('two-sum', '给定整数数组和目标值，找出和为目标值的两个下标。', 'Given a list of integers and a target, return the indices of two numbers that add up to the target.',
     'def two_sum(nums: list, target: int):\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return seen[target - x], i\n        seen[x] = i\n    return None'),
    ('valid-parentheses', '判断括号字符串是否有效匹配。', 'Check whether a string of brackets is balanced.',
     'def is_balanced(s: str) -> bool:\n    pairs = {")": "(", "]": "[", "}": "{"}\n    stack = []\n    for c in s:\n        if c in "([{":\n            stack.append(c)\n        elif c in pairs:\n            if not stack or stack.pop() != pairs[c]:\n                return False\n    return not stack'),
    ('lru-cache', '用OrderedDict实现一个简单的LRU缓存。', 'Implement a small LRU cache with OrderedDict.',
     'from collections import OrderedDict\n\nclass LRUCache:\n    def __init__(self, capacity: int):\n        self.capacity, self.data = capacity, OrderedDict()\n\n    def get(self, key):\n        if key not in self.data:\n            return None\n        self.data.move_to_end(key)\n        return self.data[key]\n\n    def put(self, key, value):\n        self.data[key] = value\n        self.data.move_to_end(key)\n        if len(self.data) > self.capacity:\n            self.data.popitem(last=False)'),
    ('retry-decorator', '写一个装饰器，函数抛异常时最多重试3次。', 'Write a decorator that retries a function up to 3 times when it raises.',
     'import functools, time\n\ndef retry(times: int = 3, delay: float = 0.1):\n    def deco(fn):\n        @functools.wraps(fn)\n        def wrapper(*args, **kwargs):\n            for attempt in range(times):\n                try:\n                    return fn(*args, **kwargs)\n                except Exception:\n                    if attempt == times - 1:\n                        raise\n                    time.sleep(delay)\n        return wrapper\n    return deco'),
    ('timer-context', '写一个上下文管理器，打印代码块的运行时间。', 'Write a context manager that prints how long a block takes.',
     'import time\nfrom contextlib import contextmanager\n\n@contextmanager\ndef timer(label: str = "block"):\n    start = time.perf_counter()\n    yield\n    print(f"{label}: {time.perf_counter() - start:.3f}s")'),
    ('celsius', '把摄氏温度转换为华氏温度。', 'Convert a temperature from Celsius to Fahrenheit.',
     'def celsius_to_fahrenheit(c: float) -> float:\n    return c * 9 / 5 + 32'),
    ('bmi', '根据身高（米）和体重（千克）计算BMI并给出分类。', 'Compute BMI from height in metres and weight in kilograms and classify it.',
     'def bmi(height_m: float, weight_kg: float) -> tuple:\n    value = weight_kg / height_m ** 2\n    if value < 18.5:\n        label = "underweight"\n    elif value < 24:\n        label = "normal"\n    elif value < 28:\n        label = "overweight"\n    else:\n        label = "obese"\n    return round(value, 1), label'),
    ('days-between', '计算两个日期之间相差的天数。', 'Compute the number of days between two dates.',
     'from datetime import date\n\ndef days_between(a: str, b: str) -> int:\n    return abs((date.fromisoformat(b) - date.fromisoformat(a)).days)'),
    ('flatten-dict', '把嵌套字典展平成用点号连接键名的字典。', 'Flatten a nested dict into one level with dotted keys.',
     'def flatten_dict(d: dict, prefix: str = "") -> dict:\n    out = {}\n    for k, v in d.items():\n        key = f"{prefix}.{k}" if prefix else str(k)\n        if isinstance(v, dict):\n            out.update(flatten_dict(v, key))\n        else:\n            out[key] = v\n    return out'),
    ('count-lines', '统计一个文本文件的行数，文件很大时也不能一次读入内存。', 'Count the lines of a text file without loading a large file into memory.',
     'def count_lines(path: str) -> int:\n    with open(path, "rb") as f:\n        return sum(1 for _ in f)'),
    ('sql-top-departments', '写一条SQL，查询就诊人数最多的前5个科室。', 'Write an SQL query for the 5 departments with the most patient visits.',
     'SELECT department, COUNT(*) AS visits\nFROM visits\nGROUP BY department\nORDER BY visits DESC\nLIMIT 5;'),
    ('sql-duplicates', '写一条SQL，找出表中重复的邮箱地址。', 'Write an SQL query that finds duplicate email addresses in a table.',
     'SELECT email, COUNT(*) AS n\nFROM users\nGROUP BY email\nHAVING COUNT(*) > 1;'),
    ('char-frequency', '统计中文字符串中每个汉字出现的次数。', 'Count how many times each Chinese character occurs in a string.',
     'from collections import Counter\n\ndef han_counts(text: str) -> Counter:\n    return Counter(c for c in text if "\\u4e00" <= c <= "\\u9fff")'),
    ('rotate-list', '把列表向右循环移动k位。', 'Rotate a list to the right by k positions.',
     'def rotate(items: list, k: int) -> list:\n    if not items:\n        return items\n    k %= len(items)\n    return items[-k:] + items[:-k]'),
    ('second-largest', '找出列表中第二大的不同数值。', 'Find the second largest distinct value in a list.',
     'def second_largest(nums: list):\n    distinct = sorted(set(nums), reverse=True)\n    return distinct[1] if len(distinct) > 1 else None'),
    ('url-domain', '从URL中提取域名。', 'Extract the host name from a URL.',
     'from urllib.parse import urlparse\n\ndef domain(url: str) -> str:\n    return urlparse(url).netloc.lower()'),
    ('md5-bucket', '计算字符串MD5的前两位十六进制字符作为分桶编号。', 'Return the first two hex characters of the MD5 of a string as a bucket id.',
     'import hashlib\n\ndef bucket_id(s: str) -> str:\n    return hashlib.md5(s.encode("utf-8")).hexdigest()[:2]'),
    ('batch-iter', '写一个生成器，把可迭代对象按批次产出。', 'Write a generator that yields an iterable in batches.',
     'from itertools import islice\n\ndef batched(iterable, n: int):\n    it = iter(iterable)\n    while batch := list(islice(it, n)):\n        yield batch'),
    ('jaccard', '计算两个字符串基于字符n-gram的Jaccard相似度。', 'Compute the Jaccard similarity of two strings on character n-grams.',
     'def jaccard(a: str, b: str, n: int = 5) -> float:\n    sa = {a[i:i + n] for i in range(max(1, len(a) - n + 1))}\n    sb = {b[i:i + n] for i in range(max(1, len(b) - n + 1))}\n    return len(sa & sb) / len(sa | sb)'),
    ('softmax', '用numpy实现数值稳定的softmax。', 'Implement a numerically stable softmax with numpy.',
     'import numpy as np\n\ndef softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:\n    z = x - x.max(axis=axis, keepdims=True)\n    e = np.exp(z)\n    return e / e.sum(axis=axis, keepdims=True)'),
]
# Coding concept questions: (slug, zh q, zh a, en q, en a)
CODE_QA = [
    ('list-vs-tuple', 'Python中list和tuple有什么区别？', 'list是可变的，可以增删改元素；tuple是不可变的，创建后不能修改。tuple可以作为字典的键，也常用来表示固定结构的记录；list适合存放会变化的序列。',
     'What is the difference between a list and a tuple in Python?', 'A list is mutable: you can add, remove and change items. A tuple is immutable once created, can be used as a dictionary key when its items are hashable, and suits fixed records.'),
    ('yield', 'Python里的yield关键字有什么作用？', '含有yield的函数是生成器函数，调用时返回生成器对象。每次迭代执行到yield时产出一个值并暂停，下次从暂停处继续，因此可以惰性地处理大数据而不占用大量内存。',
     'What does the yield keyword do in Python?', 'A function containing yield is a generator function: calling it returns a generator, which produces one value at each yield and pauses until the next item is requested, so large data can be processed lazily.'),
    ('gil', '什么是GIL？它对多线程有什么影响？', 'GIL是CPython的全局解释器锁，同一时刻只有一个线程执行Python字节码。因此CPU密集型任务用多线程难以提速，应使用多进程；IO密集型任务在等待IO时会释放GIL，多线程仍然有效。',
     'What is the GIL and how does it affect threads?', 'The global interpreter lock in CPython lets only one thread execute Python bytecode at a time, so CPU-bound work does not speed up with threads and should use processes; I/O-bound work still benefits because the lock is released while waiting.'),
    ('is-vs-eq', 'Python中==和is有什么区别？', '==比较两个对象的值是否相等，会调用__eq__方法；is比较两个引用是否指向同一个对象。判断是否为None时应该写x is None。',
     'What is the difference between == and is in Python?', '== compares values by calling __eq__, while is checks whether two names refer to the very same object. Use `x is None` to test for None.'),
    ('venv', '为什么要使用虚拟环境？怎么创建？', '虚拟环境让每个项目拥有独立的依赖版本，避免不同项目之间互相冲突。可以用python -m venv .venv创建，再用source .venv/bin/activate激活。',
     'Why use a virtual environment and how do you create one?', 'It gives each project its own set of package versions so projects do not conflict. Create one with `python -m venv .venv` and activate it with `source .venv/bin/activate`.'),
    ('decorator', '装饰器是什么？', '装饰器是接收一个函数并返回新函数的可调用对象，用@语法应用在函数定义上，常用于日志、计时、缓存和权限检查。编写时最好用functools.wraps保留原函数的名字和文档。',
     'What is a decorator in Python?', 'A callable that takes a function and returns a new one, applied with the @ syntax; typical uses are logging, timing, caching and access checks. functools.wraps keeps the original name and docstring.'),
    ('comprehension', '列表推导式有什么优点？', '列表推导式用一行表达式生成列表，比等价的for循环加append更简洁，通常也更快。但逻辑太复杂时应改回普通循环，以保证可读性。',
     'Why use list comprehensions?', 'They build a list in one expression, are shorter and usually faster than a loop with append, but a plain loop reads better when the logic gets complicated.'),
    ('exceptions', 'try、except、else和finally分别什么时候执行？', 'try中的代码先执行；发生匹配的异常时执行except；没有异常时执行else；无论是否发生异常，finally都会执行，常用来释放资源。',
     'When do try, except, else and finally run?', 'The try block runs first; except runs when a matching exception is raised; else runs when no exception occurred; finally always runs and is the place to release resources.'),
    ('with-statement', 'with语句的作用是什么？', 'with语句配合上下文管理器使用，进入代码块时调用__enter__，离开时调用__exit__，即使发生异常也能保证文件、锁等资源被正确释放。',
     'What does the with statement do?', 'It uses a context manager: __enter__ runs on entry and __exit__ on exit, even when an exception is raised, so files, locks and connections are always released.'),
    ('mutable-default', '为什么不要把可变对象作为函数默认参数？', '默认参数只在函数定义时计算一次，如果默认值是列表或字典，多次调用会共享同一个对象，导致数据意外累积。通常写成默认None，在函数内部再创建新对象。',
     'Why should a mutable object not be a default argument?', 'Defaults are evaluated once when the function is defined, so a default list or dict is shared between calls and silently accumulates data. Use None and create the object inside the function.'),
    ('git-rebase', 'git merge和git rebase有什么区别？', 'merge会生成一个合并提交，保留分支的真实历史；rebase把当前分支的提交重新应用到目标分支之后，历史是一条直线。已经推送到公共仓库的分支不要随意rebase。',
     'What is the difference between git merge and git rebase?', 'Merge records a merge commit and keeps the true branch history; rebase replays your commits on top of the target so the history is linear. Do not rebase branches others have already pulled.'),
    ('big-o', '二分查找的时间复杂度是多少？为什么？', '二分查找每一步都把搜索范围缩小一半，所以最多需要log2(n)步，时间复杂度是O(log n)，前提是数据已经排序。',
     'What is the time complexity of binary search and why?', 'Each step halves the search range, so at most log2(n) steps are needed: O(log n), provided the data are sorted.'),
]


# ----------------------------------------------------------------------------------------------------------
def record_text(r: dict) -> str:
    return '\n'.join(v for v in (r['instruction'], r['input'], r['output']) if v)

def shingles(text: str, n: int = SHINGLE) -> set:
    return {text[i:i + n] for i in range(max(1, len(text) - n + 1))}

def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)

def zh_join(items): return '、'.join(items[:-1]) + '和' + items[-1] if len(items) > 1 else items[0]
def en_join(items): return ', '.join(items[:-1]) + ' and ' + items[-1] if len(items) > 1 else items[0]


class Builder:
    def __init__(self, rng):
        self.rng, self.records = rng, []
        self.t0 = datetime(2018, 1, 1, tzinfo=timezone.utc)

    def stamp(self):
        return (self.t0 + timedelta(seconds=self.rng.randrange(0, 7 * 365 * 86400))).strftime('%Y-%m-%dT%H:%M:%SZ')

    def add(self, domain, task_type, lang, url, instruction, input_, output, stamp=None):
        self.records.append(dict(domain=domain, task_type=task_type, lang=lang, source_url=url, timestamp=stamp or self.stamp(),
                                 instruction=instruction, input=input_, output=output))


def medical(b: Builder):
    rng = b.rng
    for (zh, en, slug, sym_zh, sym_en, drugs, dept_zh, dept_en, test_zh, test_en, comp_zh, comp_en, life_zh, life_en) in DISEASES:
        dz = [DRUGS[d] for d in drugs]
        site_zh, site_en = 'https://www.jiankang-baike.example.cn', 'https://www.healthnotes.example.org'
        u_zh = [f'{site_zh}/jibing/{slug}/{p}.html' for p in ('zhengzhuang', 'zhiliao', 'richang')]
        u_en = [f'{site_en}/conditions/{slug}/{p}' for p in ('symptoms', 'treatment', 'living-with')]
        age, sex = rng.randint(28, 78), rng.choice(['男', '女'])
        s2 = rng.sample(sym_zh, 2)
        zh_qa = [
            (u_zh[0], f'{zh}有哪些常见症状？', '', f'{zh}的常见表现有{zh_join(sym_zh)}。症状轻重因人而异，部分患者早期没有明显不适，出现上述情况时建议到{dept_zh}就诊。'),
            (u_zh[0], '请根据患者描述给出初步建议。', f'{sex}，{age}岁，最近一个月{s2[0]}，还经常{s2[1]}，想知道是不是{zh}。',
             f'您描述的{s2[0]}和{s2[1]}可以见于{zh}，但也可能由其他原因引起，不能仅凭症状确诊。建议到{dept_zh}就诊，医生通常会安排{test_zh}。在确诊前不要自行用药。'),
            (u_zh[1], f'{zh}一般怎么治疗？', '', f'{zh}的治疗包括生活方式调整和药物治疗。常用药物有{zh_join([d[0] for d in dz])}，具体方案需由{dept_zh}医生根据病情制定。生活上要注意{life_zh}。'),
            (u_zh[1], f'怎样确诊{zh}？', '', f'确诊{zh}主要依靠{test_zh}，并结合症状和病史综合判断。'),
            (u_zh[2], f'{zh}如果不控制会有什么后果？', '', f'长期控制不好的{zh}可能导致{zh_join(comp_zh)}等并发症，所以需要规律复诊、坚持治疗。'),
            (u_zh[2], f'{zh}患者日常生活要注意什么？', '', f'建议{life_zh}。同时按医嘱用药，不要擅自停药或换药，定期到{dept_zh}复查。'),
        ]
        for url, ins, inp, out in rng.sample(zh_qa, 5):
            b.add('medical', 'qa', 'zh', url, ins, inp, out)
        en_qa = [
            (u_en[0], f'What are the common symptoms of {en}?', '', f'Common symptoms of {en} include {en_join(sym_en)}. Some people have few symptoms at first, so anyone with these complaints should see a doctor in {dept_en}.'),
            (u_en[0], 'Give initial advice based on the patient\'s description.', f'I am {age} and for the past month I have had {sym_en[0]} and {sym_en[1]}. Could this be {en}?',
             f'{sym_en[0].capitalize()} and {sym_en[1]} can be caused by {en}, but also by other conditions, so symptoms alone are not enough for a diagnosis. Please see a doctor in {dept_en}; the usual work-up is {test_en}.'),
            (u_en[1], f'How is {en} treated?', '', f'Treatment combines lifestyle changes and medicines such as {en_join([d[1] for d in dz])}, chosen by the doctor for each patient. Helpful habits include {life_en}.'),
            (u_en[1], f'How is {en} diagnosed?', '', f'The diagnosis rests on {test_en}, together with the symptoms and medical history.'),
            (u_en[2], f'What complications can {en} lead to?', '', f'Poorly controlled {en} can lead to {en_join(comp_en)}, which is why regular follow-up matters.'),
        ]
        for url, ins, inp, out in rng.sample(en_qa, 4):
            b.add('medical', 'qa', 'en', url, ins, inp, out)
        # summarization: a longer article and a short summary (same page as the treatment QA)
        art_zh = (f'{zh}是{dept_zh}的常见病。{zh}患者常见{zh_join(sym_zh)}，但早期症状往往不典型，容易被忽视。'
                  f'诊断方面，医生会进行{test_zh}，并询问家族史、用药史和生活习惯。'
                  f'治疗上，{zh_join([d[0] + "（用于" + d[2] + "）" for d in dz])}是常用药物；其中{dz[0][0]}需要注意：{dz[0][4]}。'
                  f'如果长期控制不佳，可能出现{zh_join(comp_zh)}。专家建议患者{life_zh}，并定期复查，做到早发现、早治疗。')
        sum_zh = f'{zh}常表现为{zh_join(sym_zh[:2])}，通过{test_zh.split("，")[0]}诊断，可用{dz[0][0]}等药物治疗，需坚持生活方式干预并定期复查以预防{comp_zh[0]}等并发症。'
        b.add('medical', 'summarization', 'zh', u_zh[1], '请用一两句话概括下面这篇科普文章的要点。', art_zh, sum_zh)
        art_en = (f'{en[0].upper() + en[1:]} is one of the conditions most often seen in {dept_en}. Typical complaints are {en_join(sym_en)}, although early disease may cause few symptoms. '
                  f'Doctors confirm it with {test_en} and ask about family history, medicines and lifestyle. '
                  f'Treatment often includes {en_join([d[1] for d in dz])}; with {dz[0][1]}, {dz[0][5]}. '
                  f'Without good control, {en} can lead to {en_join(comp_en)}. Patients are advised to follow {life_en} and to attend regular check-ups.')
        sum_en = f'{en[0].upper() + en[1:]} presents with {en_join(sym_en[:2])}, is diagnosed with {test_en.split(",")[0]}, and is managed with medicines such as {dz[0][1]} plus lifestyle measures to prevent complications like {comp_en[0]}.'
        b.add('medical', 'summarization', 'en', u_en[1], 'Summarize the following health article in one or two sentences.', art_en, sum_en)
    for key, (zh, en, use_zh, use_en, cau_zh, cau_en) in DRUGS.items():
        u_zh = f'https://yao.jiankang-baike.example.cn/drug/{key}'
        u_en = f'https://www.medicines-guide.example.com/drugs/{key}'
        b.add('medical', 'qa', 'zh', u_zh, f'{zh}主要治疗什么病？有什么需要注意的？', '', f'{zh}主要用于{use_zh}。用药注意：{cau_zh}。请在医生或药师指导下使用。')
        b.add('medical', 'qa', 'en', u_en, f'What is {en} used for and what should patients watch out for?', '', f'{en[0].upper() + en[1:]} is used for {use_en}. A key caution: {cau_en}. Use it under the guidance of a doctor or pharmacist.')
        if rng.random() < 0.35:
            b.add('medical', 'qa', 'zh', u_zh, f'吃{zh}期间出现不舒服怎么办？', '', f'先对照说明书核对剂量和用法。{zh}的常见问题是：{cau_zh}。症状明显或持续时应停药并尽快就医，不要自行加量。')


def legal(b: Builder):
    rng = b.rng
    for i, (law_zh, law_en, slug, topic, q_zh, a_zh, q_en, a_en) in enumerate(LAWS_ZH):
        u_zh = f'https://www.falv-wenda.example.cn/{slug}/{topic}'
        u_zh2 = f'https://law.minsheng-zixun.example.cn/q/{10000 + 37 * i}'
        u_en = f'https://www.china-law-explained.example.com/{slug}/{i + 1}'
        b.add('legal', 'qa', 'zh', u_zh, q_zh, '', a_zh)
        b.add('legal', 'qa', 'zh', u_zh2, f'关于{topic}，《{law_zh}》是怎么规定的？', '', a_zh.replace('《' + law_zh + '》', '该法').replace('根据该法，', ''))
        b.add('legal', 'qa', 'en', u_en, q_en, '', a_en)
        case = rng.choice(['张某', '李女士', '王先生', '某公司员工刘某', '消费者陈某'])
        b.add('legal', 'summarization', 'zh', u_zh, '请概括下面这段法律咨询的核心结论。',
              f'{case}咨询：{q_zh}律师解答：{a_zh}如有具体纠纷，建议保留相关证据，必要时向当地法律援助中心或人民法院寻求帮助。',
              f'关于{topic}：' + a_zh.split('。')[0] + '。')
        if i % 3 == 0:
            b.add('legal', 'summarization', 'en', u_en, 'Summarize the legal answer below in one sentence.', f'Question: {q_en}\nAnswer: {a_en}', a_en.split('. ')[0].rstrip('.') + '.')
    for slug, q, a in LAWS_EN:
        u = f'https://www.plainlaw.example.org/guides/{slug}'
        b.add('legal', 'qa', 'en', u, q, '', a)
        b.add('legal', 'summarization', 'en', u, 'Summarize the following explanation in one sentence.', a, a.split('. ')[0].rstrip('.') + '.')


def coding(b: Builder):
    rng = b.rng
    for slug, ins_zh, ins_en, code in CODE_TASKS:
        b.add('coding', 'code_gen', 'zh', f'https://www.biancheng-shili.example.cn/python/{slug}', ins_zh, '', f'```python\n{code}\n```' if not code.startswith('SELECT') else f'```sql\n{code}\n```')
        b.add('coding', 'code_gen', 'en', f'https://snippets.pycode.example.org/{slug}', ins_en, '', f'```python\n{code}\n```' if not code.startswith('SELECT') else f'```sql\n{code}\n```')
        if rng.random() < 0.3 and not code.startswith('SELECT'):
            name = code.split('def ')[1].split('(')[0] if 'def ' in code else code.split('class ')[1].split(':')[0]
            lang = rng.choice(['zh', 'en'])
            if lang == 'zh':
                b.add('coding', 'summarization', 'zh', f'https://www.biancheng-shili.example.cn/python/{slug}', '用一句话说明下面这段代码的功能。', code, f'这段代码定义了{name}，作用是：{ins_zh.replace("写一个Python函数，", "").replace("写一个函数", "").rstrip("。")}。')
            else:
                b.add('coding', 'summarization', 'en', f'https://snippets.pycode.example.org/{slug}', 'Explain in one sentence what this code does.', code, f'It defines `{name}`, which does the following: {ins_en[0].lower() + ins_en[1:]}')
    for slug, q_zh, a_zh, q_en, a_en in CODE_QA:
        b.add('coding', 'qa', 'zh', f'https://www.biancheng-wenda.example.cn/q/{slug}', q_zh, '', a_zh)
        b.add('coding', 'qa', 'en', f'https://devanswers.example.com/questions/{slug}', q_en, '', a_en)


# ----------------------------------------------------------------------------------------------------------
NEAR_EDITS_ZH = [('。', '！'), ('，', '；'), ('建议', '最好'), ('可以', '可'), ('常见', '常见的')]
NEAR_EDITS_EN = [('. ', '; '), (', ', ' and '), ('can ', 'may '), ('the ', 'this '), ('such as', 'like')]

def plant(b: Builder, rng):
    "Append planted duplicates; return [(index_a, index_b, kind, edit)]."
    recs = b.records
    long_idx = [i for i, r in enumerate(recs) if len(record_text(r)) >= 280]
    rng.shuffle(long_idx)
    used, plants = set(), []
    def take(lang=None):
        for i in reversed(long_idx):
            if i not in used and lang in (None, recs[i]['lang']):
                used.add(i); return i
    for k in range(6):                                    # exact copies on a mirror site, other URL and date
        i = take(); r = dict(recs[i])
        host = 'https://mirror.repost-hub.example.net' if r['lang'] == 'en' else 'https://www.zhuanzai-wang.example.cn'
        r.update(source_url=f'{host}/a/{rng.randrange(10**6):06d}', timestamp=b.stamp())
        recs.append(r); plants.append((i, len(recs) - 1, 'exact', 'verbatim copy, new source_url and timestamp'))
    n_near = 0
    while n_near < 10:                                    # near: one small edit in the output, half zh, half en
        i = take('zh' if n_near % 2 == 0 else 'en'); r = dict(recs[i])
        edits = NEAR_EDITS_ZH if r['lang'] == 'zh' else NEAR_EDITS_EN
        field = 'output' if len(r['output']) > 60 else 'input'
        old, new = rng.choice([e for e in edits if e[0] in r[field]] or [(None, None)])
        if old is None: continue
        pos = [p for p in range(len(r[field])) if r[field].startswith(old, p)]
        p = rng.choice(pos)
        r[field] = r[field][:p] + new + r[field][p + len(old):]
        same_url = rng.random() < 0.5
        if not same_url: r['source_url'] = r['source_url'].rstrip('/') + ('?from=share' if r['lang'] == 'zh' else '?utm_source=feed')
        r['timestamp'] = b.stamp()
        if jaccard(record_text(recs[i]), record_text(r)) <= 0.96: continue   # a margin above the 0.95 threshold
        recs.append(r); n_near += 1
        plants.append((i, len(recs) - 1, 'near', f'{field}: {old!r} -> {new!r} once' + ('' if same_url else '; URL with a query string')))
    n_decoy = 0
    while n_decoy < 6:                                    # decoys: same question, rewritten second half of the answer
        i = take(); r = dict(recs[i])
        field = 'input' if r['task_type'] == 'summarization' and len(r['input']) > len(r['output']) else 'output'
        text = r[field]
        cut = int(len(text) * rng.uniform(0.55, 0.7))
        tail = ('以上内容仅供参考，具体情况请咨询专业人士并以最新规定为准。' if r['lang'] == 'zh' else
                'This is general information only; please ask a qualified professional about your own situation.')
        r[field] = text[:cut] + tail
        r['source_url'] = r['source_url'] + ('#v2' if rng.random() < 0.5 else '')
        r['timestamp'] = b.stamp()
        jac = jaccard(record_text(recs[i]), record_text(r))
        if not 0.4 < jac < 0.85: continue
        recs.append(r); n_decoy += 1
        plants.append((i, len(recs) - 1, 'decoy', f'{field}: last {len(text) - cut} characters replaced by a disclaimer'))
    return plants


# ----------------------------------------------------------------------------------------------------------
OOD_TOPICS = [
    ('zebrafish', 'fin regeneration in adult zebrafish', 'blastema formation', 'Danio rerio', 'in situ hybridisation'),
    ('microbiome', 'the gut microbiome of germ-free mice colonised with human stool', 'short-chain fatty acid production', 'Bacteroides', '16S rRNA sequencing'),
    ('crispr', 'CRISPR-Cas9 knockout screens in human cell lines', 'guide RNA depletion', 'HEK293T cells', 'next-generation sequencing'),
    ('antibiotic', 'carbapenem resistance in Klebsiella pneumoniae isolates', 'plasmid-mediated resistance genes', 'clinical isolates', 'whole-genome sequencing'),
    ('protein', 'the folding kinetics of a small beta-barrel protein', 'intermediate states', 'recombinant protein', 'stopped-flow fluorescence'),
    ('malaria', 'artemisinin partial resistance in Plasmodium falciparum', 'kelch13 mutations', 'parasite isolates', 'ring-stage survival assays'),
    ('neuro', 'synaptic plasticity in the mouse hippocampus', 'long-term potentiation', 'acute brain slices', 'patch-clamp recording'),
    ('plant', 'drought tolerance in rice', 'abscisic acid signalling', 'transgenic lines', 'RNA sequencing'),
    ('immunology', 'T-cell exhaustion in chronic viral infection', 'PD-1 expression', 'mouse models', 'flow cytometry'),
    ('epigenetics', 'DNA methylation changes with ageing', 'epigenetic clocks', 'whole-blood samples', 'methylation arrays'),
    ('virology', 'the replication cycle of a respiratory coronavirus', 'viral RNA synthesis', 'airway epithelial cultures', 'quantitative RT-PCR'),
    ('nutrition', 'dietary fibre and glucose tolerance in older adults', 'postprandial glucose', 'healthy volunteers', 'continuous glucose monitoring'),
]
OOD_RESULTS = ['increased', 'reduced', 'did not change', 'transiently increased', 'markedly reduced']

def ood(rng):
    out = []
    for k in range(60):
        key, topic, measure, material, method = OOD_TOPICS[k % len(OOD_TOPICS)]
        n, pct, p = rng.randint(12, 480), rng.randint(8, 64), rng.choice(['0.001', '0.004', '0.01', '0.03', '0.2'])
        res = rng.choice(OOD_RESULTS)
        effect = f'{res} {measure} by {pct}% (p = {p})' if res != 'did not change' else f'did not change {measure} (difference {pct % 5}%, p = 0.{pct + 20})'
        design = rng.choice(['a prospective cohort study', 'a randomised controlled experiment', 'a cross-sectional analysis', 'a longitudinal study', 'an in vitro study'])
        text = (f'Background: Little is known about {topic}, and the role of {measure} remains unclear. '
                f'Methods: We performed {design} using {n} {material} and measured {measure} with {method}. '
                f'Results: Compared with controls, the intervention {effect}; '
                f'{rng.choice(["no serious adverse events were observed", "effects were consistent across subgroups", "the effect persisted at follow-up", "the association weakened after adjustment"])}. '
                f'Conclusions: {rng.choice(["These findings suggest", "Our data indicate", "This study shows"])} that {measure} '
                f'{rng.choice(["is a key step in", "contributes to", "may not be required for", "is tightly linked to"])} {topic}; larger studies are needed.')
        out.append(dict(id=f'ood-biomed-{k + 1:03d}', text=text, domain='biomed', ood=True,
                        source_url=f'https://abstracts.bioscience-archive.example.org/{key}/{2000 + k}',
                        timestamp=(datetime(2016, 1, 1, tzinfo=timezone.utc) + timedelta(days=rng.randrange(3000))).strftime('%Y-%m-%dT00:00:00Z')))
    return out


def pretrain_lines(records, rng):
    lines = []
    for r in records:
        if r['task_type'] == 'summarization': lines.append(r['input'].replace('\n', ' '))
        elif r['task_type'] == 'qa': lines.append((r['instruction'] + ' ' + r['output']).strip())
    for zh, en, *_ in DISEASES:
        lines.append(f'{zh}（{en}）是一种常见的慢性疾病，需要长期管理。')
        lines.append(f'{en[0].upper() + en[1:]} ({zh}) is a common condition that needs long-term care.')
    seen, out = set(), []
    for l in lines:
        if l not in seen: seen.add(l); out.append(l)
    rng.shuffle(out)
    return out[:400]


def main():
    rng = random.Random(SEED)
    b = Builder(rng)
    medical(b); legal(b); coding(b)
    plants = plant(b, rng)
    order = list(range(len(b.records)))
    rng.shuffle(order)
    ids, counters, recs = {}, {}, []
    for old in order:                                     # ids after shuffling: copies are not next to their originals
        r = b.records[old]
        key = (r['domain'][:3], r['lang'])
        counters[key] = counters.get(key, 0) + 1
        ids[old] = f'{key[0]}-{key[1]}-{counters[key]:04d}'
        recs.append({'id': ids[old], **r})
    texts = {r['id']: record_text(r) for r in recs}
    pairs = [dict(a=ids[i], b=ids[j], kind=kind, jaccard=round(jaccard(texts[ids[i]], texts[ids[j]]), 4), edit=edit) for i, j, kind, edit in plants]
    planted = {frozenset((p['a'], p['b'])) for p in pairs if p['kind'] != 'decoy'}
    sh = {k: shingles(v) for k, v in texts.items()}
    worst = 0.0
    for a, c in itertools.combinations(sh, 2):            # the planted list must be the complete ground truth
        if frozenset((a, c)) in planted: continue
        sa, sc = sh[a], sh[c]
        if min(len(sa), len(sc)) / max(len(sa), len(sc)) < 0.9: continue
        j = len(sa & sc) / len(sa | sc)
        worst = max(worst, j)
        assert j < 0.9, f'unplanned near duplicate {a} {c}: {j:.3f}'
    with open(HERE/'corpus.jsonl', 'w', encoding='utf-8', newline='\n') as f:
        for r in recs: f.write(json.dumps(r, ensure_ascii=False) + '\n')
    with open(HERE/'ood_biomed.jsonl', 'w', encoding='utf-8', newline='\n') as f:
        for r in ood(rng): f.write(json.dumps(r, ensure_ascii=False) + '\n')
    (HERE/'planted_pairs.json').write_text(json.dumps(pairs, ensure_ascii=False, indent=1) + '\n', encoding='utf-8')
    (HERE/'domain_map.json').write_text(json.dumps({'medical': 0, 'legal': 1, 'coding': 2}, indent=1) + '\n', encoding='utf-8')
    (HERE/'pretrain.txt').write_text('\n'.join(pretrain_lines(recs, rng)) + '\n', encoding='utf-8')
    urls = {r['source_url'] for r in recs}
    by = {}
    for r in recs: by[(r['domain'], r['lang'], r['task_type'])] = by.get((r['domain'], r['lang'], r['task_type']), 0) + 1
    print(f'{len(recs)} records, {len(urls)} distinct source_url, {len(pairs)} planted pairs, max unplanted Jaccard {worst:.3f}')
    for k in sorted(by): print('  ', *k, by[k])


if __name__ == '__main__':
    main()
