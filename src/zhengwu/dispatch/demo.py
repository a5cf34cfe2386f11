"""The demo city's dispatch catalogue (派单目录): three levels in the shape of the usual 问政
taxonomy, each matter mapped to the municipal body that leads it in the demo city.

Written for this project from general knowledge of how Chinese municipal hotlines sort their
work; the mapping is plausible, not any city's official catalogue. A node's lead department
applies to its children unless a child names its own (see Category.responsible()). Matters
marked DISTRICT have no municipal lead: the dispatcher sends them to the district concerned.

Loading is idempotent: every node goes through do_save_category, so a second run changes nothing
and writes no audit rows. The demo city's organisations must exist (org.demo.load_demo_city).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.dispatch.actions import do_save_category
from zhengwu.org.models import Organisation

# The demo city's bodies (exact names from org.demo).
DRC = "市发展和改革委员会"
EDU = "市教育局"
SCI = "市科学技术局"
MIIT = "市工业和信息化局"
POLICE = "市公安局"
CIVIL = "市民政局"
JUSTICE = "市司法局"
FINANCE = "市财政局"
HRSS = "市人力资源和社会保障局"
LAND = "市自然资源和规划局"
ECO = "市生态环境局"
HOUSING = "市住房保障和房地产管理局"
BUILD = "市城乡建设局"
URBAN = "市城市管理局"
TRANSPORT = "市交通运输局"
WATER_RES = "市水利局"
AGRI = "市农业农村工作委员会"
COMMERCE = "市商务局"
CULTURE = "市文化广电和旅游局"
HEALTH = "市卫生健康委员会"
VETERANS = "市退役军人事务局"
EMERGENCY = "市应急管理局"
AUDIT = "市审计局"
MARKET = "市市场监督管理局"
SPORT = "市体育局"
STATS = "市统计局"
MEDICARE = "市医疗保障局"
PARKS = "市园林局"
FORESTRY = "市林业局"
CIVIL_DEFENCE = "市人民防空办公室"
PETITIONS = "市信访局"
BIG_DATA = "市大数据管理局"
GOV_SERVICES = "市政务服务办公室"
FIN_REG = "市地方金融监督管理局"
FOREIGN = "市外事办公室"
ETHNIC = "市民族宗教事务局"
GRAIN = "市粮食和物资储备局"
FIRE = "市消防救援支队"
BUS = "市公共交通集团有限公司管理办公室"
FUND = "市住房公积金管理中心"
LIGHTING = "市城市照明管理处"
WATER_SAVING = "市供水节水管理办公室"
TAX = "国家税务总局郑州市税务局"
TOBACCO = "郑州市烟草专卖局"
CUSTOMS = "郑州海关驻市区办事处"
POWER = "国网郑州供电公司"
WATER = "郑州水务集团有限公司"
GAS = "郑州华润燃气股份有限公司"

# No municipal lead: the dispatcher picks the district (属地管理).
DISTRICT = "属地"


@dataclass(frozen=True)
class Node:
    name: str
    children: tuple[Node, ...] = ()
    lead: str | None = None  # None: the parent's lead applies
    co: tuple[str, ...] = ()
    keywords: str = ""


def group(name: str, *children: Node, lead: str | None = None, co: tuple[str, ...] = ()) -> Node:
    return Node(name, children, lead, co)


def leaf(name: str, keywords: str, lead: str | None = None, co: tuple[str, ...] = ()) -> Node:
    return Node(name, (), lead, co, keywords)


CATALOGUE: tuple[Node, ...] = (
    group(
        "城乡建设",
        group(
            "物业管理",
            leaf("物业服务收费", "物业费 收费标准 乱收费 停车费 公摊费 涨价", co=(MARKET,)),
            leaf("维修资金", "专项维修资金 维修基金 使用申请 缴存 退还"),
            leaf("业委会", "业主委员会 业主大会 成立 选举 换届 备案"),
            leaf("物业服务质量", "物业不作为 保洁 保安 设施维修 电梯维护"),
            lead=HOUSING,
        ),
        group(
            "市政设施",
            leaf("道路破损", "路面塌陷 坑洼 人行道 路沿石 道路维修"),
            leaf("井盖缺失", "井盖 窨井 破损 缺失 松动 异响"),
            leaf("路灯不亮", "路灯 照明 不亮 损坏 亮灯时间", lead=LIGHTING),
            leaf("排水防涝", "下水道 堵塞 污水外溢 雨水篦子 积水 内涝"),
            lead=URBAN,
        ),
        group(
            "房屋建设与交易",
            leaf("商品房交付", "延期交房 交房 开发商 烂尾楼 保交楼 房屋质量", co=(BUILD,)),
            leaf("房产证办理", "房产证 不动产权证 办证难 首次登记 契税", lead=LAND, co=(HOUSING,)),
            leaf("房屋租赁", "租房 押金 房东 二房东 长租公寓 房产中介"),
            leaf("保障性住房", "公租房 保障房 人才公寓 配租 租赁补贴"),
            lead=HOUSING,
        ),
        group(
            "建筑工程",
            leaf("工程质量", "工程质量 墙体开裂 渗漏 偷工减料 竣工验收"),
            leaf("施工安全", "施工安全 塔吊 脚手架 安全网 深基坑"),
            leaf("人防工程", "人防工程 人防地下室 防空洞 人防车位", lead=CIVIL_DEFENCE),
            lead=BUILD,
        ),
        group(
            "老旧小区改造",
            leaf("加装电梯", "加装电梯 老楼 低层业主 补贴 审批"),
            leaf("改造施工", "老旧小区 改造方案 施工进度 停工 管网改造"),
            lead=DISTRICT,
        ),
        group(
            "水电气暖",
            leaf("供水", "停水 水压低 水质 水表 管道漏水", lead=WATER, co=(WATER_SAVING,)),
            leaf("供电", "停电 电压不稳 电费 电表 线路老化", lead=POWER),
            leaf("燃气", "燃气 天然气 燃气表 通气 燃气泄漏 燃气费", lead=GAS),
            leaf("集中供暖", "暖气不热 供暖 暖气费 报停 热力 管道", lead=URBAN),
        ),
    ),
    group(
        "城市管理",
        group(
            "市容环卫",
            leaf("垃圾清运", "垃圾 清运 垃圾桶 满溢 装修垃圾 垃圾站"),
            leaf("垃圾分类", "垃圾分类 分类投放 厨余垃圾 可回收物 督导"),
            leaf("渣土车撒漏", "渣土车 撒漏 带泥上路 夜间运输 超载", co=(POLICE,)),
            lead=URBAN,
        ),
        group(
            "违法建设",
            leaf("私搭乱建", "私搭乱建 违建 彩钢瓦 阳光房 圈占绿地"),
            leaf("楼顶加盖", "楼顶加盖 顶楼违建 加层 露台搭建"),
            lead=URBAN,
        ),
        group(
            "占道经营",
            leaf("流动摊贩", "流动摊贩 小摊 夜市 占道 早市"),
            leaf("店外经营", "店外经营 出店经营 占用人行道 乱摆放 户外广告"),
            lead=URBAN,
        ),
        group(
            "园林绿化",
            leaf("树木修剪", "树木修剪 遮挡采光 枯树 断枝 树木倒伏"),
            leaf("绿地与公园", "绿地 草坪 绿化带 毁绿 公园 游园"),
            lead=PARKS,
        ),
    ),
    group(
        "环境保护",
        group(
            "大气污染",
            leaf("工业废气", "工厂废气 异味 排放 烟囱 化工 锅炉"),
            leaf("餐饮油烟", "油烟 饭店 烧烤 排烟 油烟净化器", lead=URBAN, co=(ECO,)),
            leaf("扬尘污染", "扬尘 工地 裸土 覆盖 喷淋 雾炮", lead=BUILD, co=(URBAN,)),
            lead=ECO,
        ),
        group(
            "噪声污染",
            leaf("施工噪声", "施工噪音 机械 打桩 切割 扰民", co=(BUILD,)),
            leaf("夜间施工", "夜间施工 夜间施工许可 连续施工 凌晨 扰民", co=(BUILD,)),
            leaf("商业噪声", "商业噪声 音响 广告喇叭 KTV 酒吧", co=(URBAN,)),
            leaf("社会生活噪声", "广场舞 装修噪声 宠物 邻里噪声 高音喇叭", lead=POLICE),
            lead=ECO,
        ),
        group(
            "水污染",
            leaf("企业排污", "排污 污水直排 偷排 排污口 废水"),
            leaf("河道污染", "河道 黑臭水体 漂浮物 贾鲁河 河水发臭", lead=WATER_RES, co=(ECO,)),
            lead=ECO,
        ),
        group(
            "固体废物与辐射",
            leaf("危险废物", "危险废物 危废 倾倒 废机油 医疗废物"),
            leaf("电磁辐射", "辐射 基站 信号塔 变电站 高压线"),
            lead=ECO,
        ),
    ),
    group(
        "交通运输",
        group(
            "公共交通",
            leaf("公交线路", "公交线路 站点 发车间隔 末班车 线路调整", lead=BUS),
            leaf("公交服务", "公交司机 服务态度 甩站 拒载 刷卡 车内卫生", lead=BUS),
            leaf("出租车服务", "出租车 网约车 拒载 绕路 议价 不打表"),
            leaf("轨道交通", "地铁 运营 换乘 站点 安检 首末班"),
            lead=TRANSPORT,
        ),
        group(
            "道路交通管理",
            leaf("交通信号灯", "红绿灯 信号灯 配时 故障 倒计时"),
            leaf("违章停车", "违停 乱停车 占道停车 堵路 消防车道"),
            leaf("车驾管业务", "驾驶证 行驶证 车辆年检 上牌 车管所 违章处理"),
            lead=POLICE,
        ),
        group(
            "停车管理",
            leaf("停车收费", "停车费 收费标准 道路停车 咪表 乱收费", co=(MARKET,)),
            leaf("共享单车", "共享单车 乱停放 电单车 押金 调度", co=(TRANSPORT,)),
            lead=URBAN,
        ),
        group(
            "道路运输",
            leaf("长途客运", "客运站 长途汽车 班车 票价 黑车"),
            leaf("驾驶员培训", "驾校 学车 培训费 考试预约 教练"),
            leaf("公路养护", "公路 国道 省道 路面 养护 超限超载"),
            lead=TRANSPORT,
        ),
    ),
    group(
        "教育文体",
        group(
            "学前教育",
            leaf("入园", "入园 学位 普惠园 公办园 报名"),
            leaf("幼儿园管理", "幼儿园 保教费 退费 伙食 安全 校车"),
            lead=EDU,
        ),
        group(
            "中小学教育",
            leaf("入学划片", "入学 划片 学区 学位 招生 户籍"),
            leaf("教育收费", "乱收费 学杂费 资料费 校服 课后服务费"),
            leaf("师德师风", "师德 体罚 有偿补课 老师 收礼"),
            leaf("校外培训", "培训机构 无证办学 学科类培训 退费 跑路", co=(MARKET,)),
            leaf("中招考试", "中招 中考 志愿 录取 分数线 体育考试"),
            lead=EDU,
        ),
        group(
            "文化广电",
            leaf("文化市场", "网吧 娱乐场所 演出 歌厅 营业时间"),
            leaf("公共文化服务", "图书馆 文化馆 博物馆 开放时间 有线电视"),
            lead=CULTURE,
        ),
        group(
            "体育",
            leaf("健身设施", "健身器材 损坏 健身路径 体育公园 球场"),
            leaf("场馆开放", "体育馆 场馆 开放 收费 预约 游泳馆"),
            lead=SPORT,
        ),
    ),
    group(
        "劳动和社会保障",
        group(
            "劳动关系",
            leaf("拖欠工资", "拖欠工资 欠薪 农民工 克扣 讨薪 包工头", co=(BUILD,)),
            leaf("劳动合同", "劳动合同 签合同 解除 辞退 经济补偿 加班费"),
            leaf("劳动争议仲裁", "劳动仲裁 劳动争议 调解 立案 裁决"),
            lead=HRSS,
        ),
        group(
            "社会保险",
            leaf("养老保险", "养老保险 退休 养老金 缴费年限 退休审批"),
            leaf("工伤保险", "工伤 工伤认定 伤残鉴定 工伤待遇"),
            leaf("社保卡", "社保卡 激活 补办 挂失 失业金"),
            leaf("社保缴费", "社保缴费 断缴 补缴 灵活就业 缴费基数", lead=TAX, co=(HRSS,)),
            lead=HRSS,
        ),
        group(
            "医疗保障",
            leaf("医保报销", "医保 报销 比例 门诊 住院 起付线"),
            leaf("居民医保参保", "居民医保 参保 缴费 新生儿参保"),
            leaf("异地就医", "异地就医 备案 直接结算 转诊"),
            lead=MEDICARE,
        ),
        group(
            "就业创业",
            leaf("就业服务", "招聘 就业 失业登记 就业见习 招聘会"),
            leaf("职业培训与创业", "职业技能 培训补贴 技能证书 创业担保贷款 创业补贴"),
            lead=HRSS,
        ),
        group(
            "住房公积金",
            leaf("公积金提取", "公积金 提取 租房提取 销户 到账"),
            leaf("公积金贷款", "公积金贷款 额度 审批 放款 缴存基数"),
            lead=FUND,
        ),
    ),
    group(
        "商贸旅游",
        group(
            "消费维权",
            leaf("预付卡消费", "预付卡 办卡 跑路 退费 健身卡 美容卡"),
            leaf("商品质量", "质量问题 假冒伪劣 三包 退换货"),
            leaf("价格欺诈", "价格 明码标价 宰客 价格欺诈 虚假宣传"),
            leaf("网络购物", "网购 电商 直播带货 退货 七天无理由"),
            lead=MARKET,
        ),
        group(
            "商贸流通",
            leaf("农贸市场", "菜市场 农贸市场 摊位 市场管理 菜价"),
            leaf("成品油流通", "加油站 油品 成品油 加油 充电桩"),
            leaf("家政服务", "家政 保姆 月嫂 家政公司 合同"),
            lead=COMMERCE,
        ),
        group(
            "旅游",
            leaf("景区管理", "景区 门票 排队 设施 游客 停车"),
            leaf("旅行社", "旅行社 跟团 强制购物 合同 导游"),
            lead=CULTURE,
        ),
        group(
            "对外贸易",
            leaf("外贸企业服务", "外贸 出口 跨境电商 外资 政策"),
            leaf("进出口通关", "海关 通关 报关 进口 查验 跨境包裹", lead=CUSTOMS),
            lead=COMMERCE,
        ),
    ),
    group(
        "卫生计生",
        group(
            "医疗服务",
            leaf("医疗纠纷", "医疗纠纷 医疗事故 误诊 赔偿 调解"),
            leaf("医德医风", "医生 态度 红包 回扣 护士 挂号"),
            leaf("医疗收费", "医疗收费 乱收费 检查费 药价 过度医疗", co=(MEDICARE,)),
            leaf("非法行医", "黑诊所 非法行医 无证行医 医托"),
            lead=HEALTH,
        ),
        group(
            "公共卫生",
            leaf("传染病防控", "传染病 疫情 隔离 防控 发热门诊"),
            leaf("预防接种", "疫苗 接种 预约 狂犬疫苗 儿童疫苗"),
            leaf("病媒生物防制", "老鼠 蟑螂 蚊子 消杀 爱国卫生"),
            lead=HEALTH,
        ),
        group(
            "食品药品安全",
            leaf("食品安全", "食品安全 过期食品 食物中毒 小作坊 外卖"),
            leaf("药品安全", "药品 假药 药店 处方药 医疗器械"),
            lead=MARKET,
        ),
        group(
            "生育与托育",
            leaf("生育登记", "生育登记 准生证 二孩 三孩 出生医学证明"),
            leaf("托育服务", "托育 托儿所 早教 婴幼儿照护 育儿补贴"),
            leaf("生育保险待遇", "生育津贴 生育保险 产检报销 生育医疗费", lead=MEDICARE),
            lead=HEALTH,
        ),
    ),
    group(
        "政法",
        group(
            "治安管理",
            leaf("治安案件", "打架 斗殴 盗窃 寻衅滋事 黄赌毒"),
            leaf("电信网络诈骗", "诈骗 电信诈骗 网络诈骗 刷单 冒充客服"),
            leaf("非法集资", "非法集资 理财 高息 跑路 养老骗局", lead=FIN_REG, co=(POLICE,)),
            lead=POLICE,
        ),
        group(
            "户籍与证件",
            leaf("户口迁移", "户口 落户 迁移 户籍 集体户"),
            leaf("身份证与居住证", "身份证 补办 换证 临时身份证 居住证"),
            leaf("出入境证件", "护照 港澳通行证 签注 出入境 台湾通行证"),
            lead=POLICE,
        ),
        group(
            "司法行政",
            leaf("法律援助", "法律援助 律师 免费 法律咨询 援助申请"),
            leaf("公证与调解", "公证 公证处 人民调解 邻里纠纷 调解委员会"),
            lead=JUSTICE,
        ),
        group(
            "消防安全",
            leaf("消防通道", "消防通道 堵塞 占用 消防车道 安全出口"),
            leaf("火灾隐患", "火灾隐患 电动车 飞线充电 楼道充电 消防栓 灭火器"),
            lead=FIRE,
        ),
        group(
            "安全生产",
            leaf("企业安全隐患", "安全隐患 安全生产 事故 违规作业 危化品"),
            leaf("防汛与自然灾害", "防汛 暴雨 积水 救灾 应急避难场所", co=(WATER_RES,)),
            lead=EMERGENCY,
        ),
    ),
    group(
        "民政",
        group(
            "社会救助",
            leaf("最低生活保障", "低保 申请 审核 低保金 低保边缘"),
            leaf("临时救助", "临时救助 困难 急难 救助金 流浪乞讨"),
            leaf("残疾人补贴", "残疾人 两项补贴 护理补贴 生活补贴 残疾证"),
            lead=CIVIL,
        ),
        group(
            "养老服务",
            leaf("养老机构", "养老院 敬老院 护理 收费 虐待老人"),
            leaf("高龄津贴", "高龄津贴 老年人补贴 尊老金 发放"),
            lead=CIVIL,
        ),
        group(
            "婚姻殡葬",
            leaf("婚姻登记", "结婚登记 离婚 预约 婚姻登记处"),
            leaf("殡葬服务", "殡仪馆 火化 殡葬 收费 公墓"),
            lead=CIVIL,
        ),
        group(
            "社区服务",
            leaf("社区治理", "社区 居委会 网格员 社区工作人员 议事"),
            leaf("社区证明", "社区证明 开证明 居住证明 盖章"),
            lead=DISTRICT,
        ),
        group(
            "退役军人服务",
            leaf("优抚待遇", "优抚 抚恤 伤残军人 补助 优待证"),
            leaf("退役安置", "退役 安置 就业 自主择业 烈士褒扬"),
            lead=VETERANS,
        ),
    ),
    group(
        "农村农业",
        group(
            "农业生产",
            leaf("农资质量", "种子 化肥 农药 假农资 减产", co=(MARKET,)),
            leaf("惠农补贴", "种粮补贴 农机补贴 惠农 补贴发放 一卡通", co=(FINANCE,)),
            leaf("粮食收购", "粮食收购 收粮 最低收购价 粮库 压级压价", lead=GRAIN),
            lead=AGRI,
        ),
        group(
            "农村管理",
            leaf("土地承包", "土地承包 流转 承包合同 确权 流转费", lead=AGRI),
            leaf("宅基地", "宅基地 建房 审批 农村建房 一户一宅", lead=AGRI, co=(LAND,)),
            leaf("村务公开", "村务公开 村委会 村干部 财务公开 集体收益", lead=DISTRICT),
        ),
        group(
            "农村人居环境",
            leaf("农村改厕", "厕所改造 改厕 旱厕 化粪池"),
            leaf("农村垃圾治理", "农村垃圾 垃圾堆放 清运 坑塘"),
            lead=DISTRICT,
        ),
        group(
            "水利",
            leaf("农田水利", "灌溉 水渠 机井 农田水利 抗旱"),
            leaf("河湖管理", "河道 采砂 河长制 堤防 水库"),
            lead=WATER_RES,
        ),
        group(
            "林业",
            leaf("林木采伐", "乱砍滥伐 砍树 采伐许可 林地"),
            leaf("森林防火", "森林防火 山火 上坟烧纸 野外用火"),
            leaf("野生动物保护", "野生动物 捕鸟 非法捕猎 野味 救护"),
            lead=FORESTRY,
        ),
    ),
    group(
        "国土资源",
        group(
            "土地管理",
            leaf("违法占地", "违法占地 乱占耕地 非法建设 耕地保护 大棚房"),
            leaf("土地征收", "征地 补偿 安置 征收 土地补偿款"),
            leaf("地质灾害", "地质灾害 地面塌陷 滑坡 地裂缝 采矿", co=(EMERGENCY,)),
            lead=LAND,
        ),
        group(
            "房屋征收",
            leaf("征收补偿", "房屋征收 拆迁 补偿标准 评估 城中村改造"),
            leaf("安置房", "安置房 回迁 过渡费 交房 分房"),
            lead=DISTRICT,
        ),
        group(
            "不动产登记",
            leaf("产权登记", "不动产登记 过户 转移登记 继承 查档"),
            leaf("抵押登记", "抵押 抵押登记 注销 贷款 预告登记"),
            lead=LAND,
        ),
        group(
            "规划管理",
            leaf("规划公示", "规划 公示 规划调整 听证 控规"),
            leaf("建设工程规划", "规划许可 容积率 间距 日照 规划变更"),
            leaf("地名门牌", "门牌 地名 路名 楼牌号 标准地址", lead=CIVIL),
            lead=LAND,
        ),
    ),
    group(
        "经济管理",
        group(
            "市场主体监管",
            leaf("企业登记", "营业执照 注册 变更 注销 企业登记"),
            leaf("无证无照经营", "无照经营 无证经营 黑作坊 非法经营"),
            leaf("特种设备", "电梯 电梯困人 锅炉 特种设备 年检 电梯维保"),
            leaf("烟草专卖", "烟草 卷烟 假烟 无证卖烟 向未成年人售烟", lead=TOBACCO),
            lead=MARKET,
        ),
        group(
            "税收",
            leaf("发票", "发票 不开发票 拒开发票 电子发票"),
            leaf("纳税服务", "纳税 办税 电子税务局 退税 个人所得税"),
            lead=TAX,
        ),
        group(
            "价格与收费",
            leaf("政府定价", "水价 电价 气价 定价 听证 阶梯价格"),
            leaf("涉企收费", "涉企收费 乱收费 中介服务费 减负", co=(MARKET,)),
            lead=DRC,
        ),
        group(
            "金融服务",
            leaf("小额贷款与催收", "小贷公司 高利贷 融资担保 暴力催收", co=(POLICE,)),
            leaf("企业融资", "融资难 贷款 中小企业 普惠金融 续贷"),
            lead=FIN_REG,
        ),
        group(
            "营商环境",
            leaf("惠企政策兑现", "惠企政策 补贴 兑现 奖补 招商承诺", co=(FINANCE,)),
            leaf("拖欠企业账款", "拖欠账款 工程款 政府欠款 中小企业", co=(FINANCE,)),
            lead=DRC,
        ),
    ),
    group(
        "科技与信息产业",
        group(
            "通信服务",
            leaf("手机信号", "手机信号 信号差 无信号 5G 基站"),
            leaf("宽带网络", "宽带 网速 断网 光纤 装机 资费"),
            leaf("骚扰电话", "骚扰电话 垃圾短信 推销 营销电话", co=(POLICE,)),
            lead=MIIT,
        ),
        group(
            "科技创新",
            leaf("科技项目", "科技项目 项目申报 科研经费 验收"),
            leaf("高新技术企业", "高新技术企业 认定 科技型中小企业 研发费用"),
            lead=SCI,
        ),
        group(
            "工业与中小企业",
            leaf("中小企业服务", "中小企业 专精特新 技改 工业用地 扶持"),
            leaf("无线电管理", "无线电 干扰 黑广播 伪基站", co=(POLICE,)),
            lead=MIIT,
        ),
        group(
            "数字政府",
            leaf("政务服务平台", "政务APP 网上办事 系统故障 登录 实名认证"),
            leaf("电子证照与数据共享", "电子证照 数据共享 重复提交 材料 证照"),
            lead=BIG_DATA,
        ),
    ),
    group(
        "党务政务",
        group(
            "政务服务",
            leaf("窗口服务", "办事大厅 窗口 服务态度 排队 办事难"),
            leaf("办事效率", "审批 时限 推诿 拖延 办理进度"),
            leaf("证明事项", "证明 开证明 循环证明 材料 告知承诺"),
            lead=GOV_SERVICES,
        ),
        group(
            "政务公开",
            leaf("依申请公开", "信息公开 申请 答复 公开 政府信息"),
            leaf("政策咨询", "政策 解读 文件 咨询 办事指南"),
            lead=GOV_SERVICES,
        ),
        group(
            "信访事项",
            leaf("信访办理", "信访 上访 答复 办理 复查"),
            leaf("信访督查", "信访督查 久拖不决 重复信访 息访"),
            lead=PETITIONS,
        ),
        group(
            "财政审计统计",
            leaf("财政资金", "补贴发放 财政 资金 专项资金 政府采购", lead=FINANCE),
            leaf("审计监督", "审计 审计发现 经济责任 整改", lead=AUDIT),
            leaf("统计调查", "统计 人口普查 经济普查 调查员", lead=STATS),
        ),
        group(
            "民族宗教与外事",
            leaf("宗教事务", "宗教 宗教活动 场所 寺庙 教堂", lead=ETHNIC),
            leaf("少数民族权益", "少数民族 清真 民族政策 民族团结", lead=ETHNIC),
            leaf("涉外服务", "外国人 涉外 外事 签证 领事", lead=FOREIGN),
        ),
    ),
)


def walk(
    nodes: tuple[Node, ...] = CATALOGUE, parents: tuple[str, ...] = (), lead: str | None = None
) -> Iterator[tuple[tuple[str, ...], Node, str | None, int]]:
    """Every node, parents first: its name path, itself, the lead that applies to it (its own or
    inherited) and its position among its siblings."""
    for position, node in enumerate(nodes, start=1):
        path, applies = (*parents, node.name), node.lead or lead
        yield path, node, applies, position
        yield from walk(node.children, path, applies)


def district_level_paths() -> set[tuple[str, ...]]:
    """Leaves with no municipal lead: the dispatcher picks the district."""
    return {path for path, node, lead, _ in walk() if not node.children and lead == DISTRICT}


def organisation_names() -> set[str]:
    names = set()
    for _path, node, lead, _position in walk():
        names.update(node.co)
        if lead and lead != DISTRICT:
            names.add(lead)
    return names


def _organisations() -> dict[str, Organisation]:
    wanted = organisation_names()
    found = {org.name: org for org in Organisation.objects.filter(name__in=wanted)}
    missing = sorted(wanted - set(found))
    if missing:
        raise ValidationError(
            _("派单目录引用的单位不存在：%(names)s。请先加载示范城市（load_demo_city）。")
            % {"names": "、".join(missing)},
            code="missing_organisation",
        )
    return found


def _own_lead(node: Node, applies: str | None) -> str | None:
    # Co-handlers sit on the node that names the lead, so a node with co-handlers names its lead
    # even when it is the inherited one.
    lead = node.lead or (applies if node.co else None)
    return None if lead == DISTRICT else lead


@transaction.atomic
def load_demo_catalogue() -> int:
    """Load the demo catalogue through do_save_category; returns the number of categories."""
    organisations = _organisations()
    count = 0
    for path, node, applies, position in walk():
        lead = _own_lead(node, applies)
        values = {
            "lead_department": organisations[lead] if lead else None,
            "keywords": node.keywords,
            "order": position * 10,
        }
        co_handlers = [organisations[name] for name in node.co]
        do_save_category(path, values, acting_user=None, co_handlers=co_handlers)
        count += 1
    return count


# Smart dispatch for the demo: a few rules, a few place names and a cold-start model. --------

DEMO_RULES = (
    # (name, category path, keywords, start, end, lead)
    (
        "夜间施工噪声由属地城管夜查",
        ("环境保护", "噪声污染", "施工噪声"),
        "",
        "22:00",
        "06:00",
        URBAN,
    ),
    ("燃气泄漏立即转燃气公司", (), "燃气泄漏 闻到燃气味 煤气味", "", "", GAS),
)
DEMO_PLACES = (("农科路", "410105002000"), ("花园路", "410105002000"), ("紫荆山", "410104003000"))


def load_demo_smart_dispatch() -> None:
    """Idempotent: rules and aliases by name; a model is trained only if none exists."""
    import datetime as dt

    from zhengwu.dispatch.actions import do_save_rule
    from zhengwu.dispatch.bootstrap import catalogue_rows
    from zhengwu.dispatch.models import Category, ModelVersion, PlaceAlias, RoutingRule
    from zhengwu.dispatch.versions import do_train_model
    from zhengwu.org.models import Division

    organisations = _organisations()
    for name, path, keywords, start, end, lead in DEMO_RULES:
        if RoutingRule.objects.filter(name=name).exists():
            continue
        category = Category.objects.filter(path=" > ".join(path)).first() if path else None
        times = {}
        if start:
            times = {
                "start_time": dt.time.fromisoformat(start),
                "end_time": dt.time.fromisoformat(end),
            }
        values = {
            "name": name,
            "category": category,
            "keywords": keywords,
            "lead": organisations[lead],
        }
        do_save_rule(None, {**values, **times}, acting_user=None)
    for alias, code in DEMO_PLACES:
        division = Division.objects.filter(code=code).first()
        if division is not None:
            PlaceAlias.objects.get_or_create(alias=alias, division=division)
    if not ModelVersion.objects.exists():
        do_train_model(
            catalogue_rows(),
            source=ModelVersion.Source.CATALOGUE,
            acting_user=None,
            note="示范：由派单目录关键词生成的冷启动模型",
            activate=True,
        )
