# ruff: noqa: E501  (a data table: long SMILES and request strings read better unbroken)
"""Hand-written source of the ECH0 paraphrase-understanding evaluation set.

This file holds only data: the requests as a user would type them, what each request asks (intent + slots) and
which molecule every mention means. No expected value is written here for computed properties: compute_answers.py
derives them with RDKit. Reaction products and NMR-elucidation answers are written by hand as SMILES and checked
there (atom balance, formula match).

Compound references:
  D(mention, name)   a drug from knowledge/data/drugcentral_approved.csv (name = the DrugCentral name)
  C(mention, smiles) a common chemical or a named compound outside the CSV, with the SMILES meant
  S(smiles)          a SMILES typed in the request (mention = the SMILES itself)
  I(inchi)           an InChI string typed in the request
  U(mention)         a compound the shipped data cannot know; it goes to `unresolved`
"""

# ---------------------------------------------------------------- style sources (cited in README, nothing copied)
CLEANMOL = "CleanMol-style molecule Q&A ('How many ... does <SMILES> contain?')"
CHEMIQ = "ChemIQ short-answer phrasing (Runcie, Deane & Imrie 2025)"
CHEMCOT = "ChemCoTBench molecular-understanding counting tasks"
CHEMBENCH = "ChemBench open-ended question style (Mirza et al. 2024)"
LLMBENCH = "ChemLLMBench task prompts (Guo et al. 2023)"
MOLQA = "MoleculeQA property/usage/source question style"
SE = "Chemistry StackExchange question phrasing"
TEXTBOOK = "textbook organic-chemistry exercise"
FORUM = "medicinal-chemistry forum / lab-chat phrasing"
MOLNET = "MoleculeNet/TDC task wording (ESOL, Lipophilicity, BBBP, ClinTox)"
SEARCH = "search-box keyword query"
CHAT = "general chat-assistant small talk"


# ---------------------------------------------------------------- compound references
def D(mention, name=None):
    return {"kind": "drug", "mention": mention, "name": (name or mention).lower()}


def C(mention, smiles):
    return {"kind": "smiles", "mention": mention, "smiles": smiles}


def S(smiles):
    return {"kind": "smiles", "mention": smiles, "smiles": smiles}


def I(inchi):  # noqa: E743 - short constructor name keeps the case table readable
    return {"kind": "inchi", "mention": inchi}


def U(mention):
    return {"kind": "unresolved", "mention": mention}


# ---------------------------------------------------------------- parts
def prop(p, c):
    return {"intent": "property", "property": p, "compounds": [c]}


def st(q, c, **slots):
    return {"intent": "structure", "question": q, "compounds": [c], **slots}


def amap(c1, c2):
    return {"intent": "structure", "question": "atom_mapping", "compounds": [c1, c2]}


def rec(field, c=None, depends_on=None):
    part = {"intent": "compound_record", "record_field": field, "compounds": [c] if c else []}
    if depends_on is not None:
        part["depends_on"] = depends_on
    return part


def lit(topic, *cs):
    return {"intent": "literature", "topic": topic, "compounds": list(cs)}


def adm(endpoints, c):
    return {"intent": "admet", "endpoints": endpoints.split(), "compounds": [c]}


def tox(c):
    return {"intent": "toxicity", "compounds": [c]}


def sim(library, c):
    return {"intent": "similarity", "library": library, "compounds": [c]}


def npc(level, c):
    return {"intent": "natural_product", "np_level": level, "compounds": [c]}


def train(endpoint):
    return {"intent": "train_model", "endpoint": endpoint, "compounds": []}


def sar(design):
    return {"intent": "sar", "design": design}


def rxn(cls, reactants, product, byproducts=(), extra=()):
    return {
        "intent": "reaction",
        "reaction_class": cls,
        "reactants": reactants,
        "product": product,
        "byproducts": list(byproducts),
        "extra": list(extra),
    }


def eluc(formula, h, c, smiles):
    return {"intent": "elucidation", "formula": formula, "h_shifts": h, "c_shifts": c, "truth": smiles}


def conv(kind):
    return {"intent": kind, "compounds": []}


CASES = []


def K(request, parts, style, source, history=()):
    CASES.append(
        {
            "request": request,
            "history": list(history),
            "parts": parts if isinstance(parts, list) else [parts],
            "style": style.split(),
            "source": source,
        }
    )


# frequently used references
ASPIRIN = D("aspirin", "acetylsalicylic acid")
CAFFEINE = D("caffeine")
IBU = D("ibuprofen")

# ================================================================= property (single part)
K("What is the molecular weight of caffeine?", prop("molecular_weight", CAFFEINE), "plain", CLEANMOL)
K("logP aspirin", prop("logp", ASPIRIN), "terse synonym", SEARCH)
K(
    "Can you tell me the TPSA of ibuprofen? Reply with a number only.",
    prop("tpsa", IBU),
    "format_instruction",
    CHEMBENCH,
)
K("how many H-bond donors does paracetamol have", prop("hbd", D("paracetamol")), "terse", CLEANMOL)
K(
    "Number of hydrogen-bond acceptors in metformin? Answer as an integer.",
    prop("hba", D("metformin")),
    "format_instruction",
    CHEMIQ,
)
K("rotatable bond count for atorvastatin pls", prop("rotatable_bonds", D("atorvastatin")), "terse chatty", FORUM)
K("What's the QED score of imatinib?", prop("qed", D("imatinib")), "plain", MOLQA)
K(
    "Estimate the synthetic accessibility (SA score) of osimertinib.",
    prop("sa_score", D("osimertinib")),
    "plain",
    CHEMBENCH,
)
K("How many Lipinski violations does atorvastatin have?", prop("lipinski_violations", D("atorvastatin")), "plain", SE)
K(
    "Does metformin obey Lipinski's rule of five? yes or no",
    prop("lipinski", D("metformin")),
    "format_instruction",
    CHEMBENCH,
)
K("Give me the molecular formula of nicotine.", prop("formula", D("nicotine")), "plain", MOLQA)
K("What's the SMILES for diazepam?", prop("smiles", D("diazepam")), "plain", LLMBENCH)
K("Give me a drug-likeness profile of celecoxib", prop("all", D("celecoxib")), "plain", FORUM)
K("MW of acetaminophen?", prop("molecular_weight", D("acetaminophen", "paracetamol")), "terse synonym", SEARCH)
K(
    "I'm doing some quick triage before group meeting - what would the Crippen logP be for sildenafil? "
    "Just the number please, no explanation.",
    prop("logp", D("sildenafil")),
    "chatty format_instruction",
    FORUM,
)
K(
    "Calculate the topological polar surface area for CC(=O)Nc1ccc(O)cc1",
    prop("tpsa", S("CC(=O)Nc1ccc(O)cc1")),
    "smiles_inline",
    CLEANMOL,
)
K("what is teh molecular wieght of ibuprofin", prop("molecular_weight", D("ibuprofin", "ibuprofen")), "typo", FORUM)
K("Compute QED for O=C(O)c1ccccc1O", prop("qed", S("O=C(O)c1ccccc1O")), "smiles_inline terse", CLEANMOL)
K("How many rotatable bonds are there in naproxen?", prop("rotatable_bonds", D("naproxen")), "plain", CLEANMOL)
K("Is sildenafil rule-of-five compliant?", prop("lipinski", D("sildenafil")), "plain", SE)
K(
    "Lipinski check on CCCCCCCCCCCCCCCCCC(=O)OCC(COC(=O)CCCCCCCCCCCCCCCCC)OC(=O)CCCCCCCCCCCCCCCCC - pass or fail?",
    prop("lipinski", S("CCCCCCCCCCCCCCCCCC(=O)OCC(COC(=O)CCCCCCCCCCCCCCCCC)OC(=O)CCCCCCCCCCCCCCCCC")),
    "smiles_inline",
    FORUM,
)
K(
    "What is the SA score of this one: CC(C)(C)c1ccc(cc1)S(N)(=O)=O",
    prop("sa_score", S("CC(C)(C)c1ccc(cc1)S(N)(=O)=O")),
    "smiles_inline",
    FORUM,
)
K("Molecular formula of adrenaline?", prop("formula", D("adrenaline", "epinephrine")), "synonym", MOLQA)
K(
    "Print the canonical SMILES of salbutamol, nothing else.",
    prop("smiles", D("salbutamol")),
    "format_instruction",
    LLMBENCH,
)
K("albuterol logP?", prop("logp", D("albuterol", "salbutamol")), "terse synonym", SEARCH)
K(
    "Tell me about the physchem profile of warfarin - MW, logP, TPSA, that kind of thing.",
    prop("all", D("warfarin")),
    "chatty",
    FORUM,
)
K("polar surface area of atenolol in Å²", prop("tpsa", D("atenolol")), "terse", SEARCH)
K("How heavy is a molecule of fluoxetine (g/mol)?", prop("molecular_weight", D("fluoxetine")), "plain", TEXTBOOK)
K("logp of c1ccc2ccccc2c1", prop("logp", S("c1ccc2ccccc2c1")), "terse smiles_inline", SEARCH)
K(
    "What is the molecular weight of naphthalene (c1ccc2ccccc2c1)?",
    prop("molecular_weight", C("naphthalene", "c1ccc2ccccc2c1")),
    "name_with_smiles",
    CLEANMOL,
)
K("Quick one: number of HBA in omeprazol?", prop("hba", D("omeprazol", "omeprazole")), "typo chatty", FORUM)
K(
    "Rule of 5 violations for vancomycin - give an integer.",
    prop("lipinski_violations", D("vancomycin")),
    "format_instruction",
    CHEMIQ,
)
K(
    "Would you say paclitaxel is Lipinski-compliant? Answer yes or no.",
    prop("lipinski", D("paclitaxel")),
    "format_instruction",
    CHEMBENCH,
)
K(
    "Calculate cLogP (Crippen) for the following: COc1ccc2[nH]cc(CCN(C)C)c2c1",
    prop("logp", S("COc1ccc2[nH]cc(CCN(C)C)c2c1")),
    "smiles_inline",
    CLEANMOL,
)
K(
    "What's the formula of C[C@H](N)Cc1ccccc1?",
    prop("formula", S("C[C@H](N)Cc1ccccc1")),
    "smiles_inline stereo",
    CLEANMOL,
)
K("SMILES of ciprofloxacin please", prop("smiles", D("ciprofloxacin")), "terse", LLMBENCH)
K(
    "Give me the QED of haloperidol, rounded to two decimals.",
    prop("qed", D("haloperidol")),
    "format_instruction",
    CHEMBENCH,
)
K("synthetic accesibility score for dexamethasone", prop("sa_score", D("dexamethasone")), "typo terse", SEARCH)
K("number of rotable bonds in losartan", prop("rotatable_bonds", D("losartan")), "typo terse", SEARCH)
K(
    "H bond donor count: InChI=1S/C8H10N4O2/c1-10-4-9-6-5(10)7(13)12(3)8(14)11(6)2/h4H,1-3H3",
    prop("hbd", I("InChI=1S/C8H10N4O2/c1-10-4-9-6-5(10)7(13)12(3)8(14)11(6)2/h4H,1-3H3")),
    "inchi terse",
    CLEANMOL,
)
K(
    "molecular weight for InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)",
    prop("molecular_weight", I("InChI=1S/C9H8O4/c1-6(10)13-8-5-3-2-4-7(8)9(11)12/h2-5H,1H3,(H,11,12)")),
    "inchi terse",
    CLEANMOL,
)
K(
    "logP of the zwitterion [NH3+][C@@H](Cc1ccccc1)C(=O)[O-]",
    prop("logp", S("[NH3+][C@@H](Cc1ccccc1)C(=O)[O-]")),
    "charged stereo",
    SE,
)
K("TPSA for C[N+](C)(C)CCOC(C)=O", prop("tpsa", S("C[N+](C)(C)CCOC(C)=O")), "charged terse", CLEANMOL)
K(
    "How many hydrogen bond acceptors does CC(=O)[O-].[Na+] have?",
    prop("hba", S("CC(=O)[O-].[Na+]")),
    "charged",
    CLEANMOL,
)
K("Profile the drug-likeness of gefitinib for me.", prop("all", D("gefitinib")), "plain", FORUM)
K(
    "I need the molecular formula for erlotinib, Hill notation.",
    prop("formula", D("erlotinib")),
    "format_instruction",
    CHEMBENCH,
)
K("Is tamoxifen within Ro5? y/n", prop("lipinski", D("tamoxifen")), "terse format_instruction", FORUM)
K("SA score for CN1CCC[C@H]1c1cccnc1", prop("sa_score", S("CN1CCC[C@H]1c1cccnc1")), "smiles_inline stereo", CLEANMOL)
K("what's lisinopril's tpsa", prop("tpsa", D("lisinopril")), "terse", SEARCH)
K(
    "Could you compute the molecular weight of amoxicillin? I need it for a dosing calculation.",
    prop("molecular_weight", D("amoxicillin")),
    "chatty",
    FORUM,
)
K("clogp of diclofenac, one number", prop("logp", D("diclofenac")), "terse format_instruction", FORUM)
K("How many HBDs on levodopa?", prop("hbd", D("levodopa")), "terse", FORUM)
K("QED propranolol", prop("qed", D("propranolol")), "terse", SEARCH)
K(
    r"rotatable bonds of OC(=O)CCCCCCC/C=C\CCCCCCCC",
    prop("rotatable_bonds", S(r"OC(=O)CCCCCCC/C=C\CCCCCCCC")),
    "smiles_inline stereo",
    CLEANMOL,
)
K("Give the SMILES string for clopidogrel.", prop("smiles", D("clopidogrel")), "plain", LLMBENCH)
K("What is the molecular formula of Tylenol?", prop("formula", D("Tylenol", "paracetamol")), "brand_name", MOLQA)
K("logP of Viagra", prop("logp", D("Viagra", "sildenafil")), "brand_name terse", SEARCH)
K(
    "Lipitor: how many Lipinski violations?",
    prop("lipinski_violations", D("Lipitor", "atorvastatin")),
    "brand_name",
    FORUM,
)
K(
    "Does CCCCCCCCCCCCCCCC(=O)O pass the rule of five?",
    prop("lipinski", S("CCCCCCCCCCCCCCCC(=O)O")),
    "smiles_inline",
    SE,
)
K("Tell me the hydrogen bond acceptor count for rivaroxaban", prop("hba", D("rivaroxaban")), "plain", CLEANMOL)
K("what is the mol wt of apixaban", prop("molecular_weight", D("apixaban")), "terse", SEARCH)
K("TPSA of sitagliptin; no explanation needed", prop("tpsa", D("sitagliptin")), "format_instruction", CHEMBENCH)
K("Crippen logP for empagliflozin?", prop("logp", D("empagliflozin")), "terse", SEARCH)
K("Formula for digoxin", prop("formula", D("digoxin")), "terse", SEARCH)
K("Is amiodarone Lipinski compliant or not?", prop("lipinski", D("amiodarone")), "plain", SE)
K("qed of loratadine to 2 dp", prop("qed", D("loratadine")), "terse format_instruction", FORUM)
K("SA_score: CC(=O)Nc1ccc(O)cc1", prop("sa_score", S("CC(=O)Nc1ccc(O)cc1")), "terse smiles_inline", SEARCH)
K("MW for testosterone", prop("molecular_weight", D("testosterone")), "terse", SEARCH)
K("What's the topological PSA of estradiol?", prop("tpsa", D("estradiol")), "plain", MOLQA)
K("number of H-bond donors in furosemide. just the integer", prop("hbd", D("furosemide")), "format_instruction", CHEMIQ)
K("How many rotatable bonds does amlodipine have?", prop("rotatable_bonds", D("amlodipine")), "plain", CLEANMOL)
K("captopril SMILES?", prop("smiles", D("captopril")), "terse", SEARCH)
K("Physicochemical property summary for simvastatin, please.", prop("all", D("simvastatin")), "plain", FORUM)
K(
    "calc logP: OC(=O)COCCN1CCN(CC1)C(c1ccccc1)c1ccc(Cl)cc1",
    prop("logp", S("OC(=O)COCCN1CCN(CC1)C(c1ccccc1)c1ccc(Cl)cc1")),
    "terse smiles_inline",
    FORUM,
)
K(
    "mol. weight of the compound O=C1NC(=O)C(N1)(c1ccccc1)c1ccccc1",
    prop("molecular_weight", S("O=C1NC(=O)C(N1)(c1ccccc1)c1ccccc1")),
    "smiles_inline",
    CLEANMOL,
)
K(
    "How many Ro5 violations does CC(C)(C)NCC(O)c1ccc(O)c(CO)c1 have",
    prop("lipinski_violations", S("CC(C)(C)NCC(O)c1ccc(O)c(CO)c1")),
    "smiles_inline",
    SE,
)
K("hba count for c1ccncc1", prop("hba", S("c1ccncc1")), "terse smiles_inline", CLEANMOL)
K("molecular formula of dopamine?", prop("formula", D("dopamine")), "terse", MOLQA)
K("SMILES of the drug ondansetron", prop("smiles", D("ondansetron")), "terse", LLMBENCH)
K("MW thalidomide", prop("molecular_weight", D("thalidomide")), "terse", SEARCH)
K("logP for ketamine (racemic)", prop("logp", D("ketamine")), "terse", FORUM)
K("tpsa lidocaine, number only", prop("tpsa", D("lidocaine")), "terse format_instruction", SEARCH)
K(
    "synthetic accessibility for paclitaxel - I'd expect it to be pretty high, let's see",
    prop("sa_score", D("paclitaxel")),
    "chatty",
    FORUM,
)
K("is colchicine rule of five ok?", prop("lipinski", D("colchicine")), "terse", FORUM)
K("How many HBD does allopurinol have", prop("hbd", D("allopurinol")), "plain", CLEANMOL)
K("Can I get the QED for ruxolitinib?", prop("qed", D("ruxolitinib")), "plain", FORUM)
K("Formula: zolpidem", prop("formula", D("zolpidem")), "terse", SEARCH)
K("MW of melatonin pls", prop("molecular_weight", D("melatonin")), "terse chatty", FORUM)
K("what is the logP value of bupropion according to Crippen", prop("logp", D("bupropion")), "plain", SE)
K("donepezil - rotatable bonds?", prop("rotatable_bonds", D("donepezil")), "terse order_swapped", FORUM)
K("TPSA of O=C(Nc1ccccc1)NC1CCCCC1", prop("tpsa", S("O=C(Nc1ccccc1)NC1CCCCC1")), "smiles_inline terse", CLEANMOL)
K("Give me the acceptor count (Lipinski HBA) for isoniazid.", prop("hba", D("isoniazid")), "plain", CHEMBENCH)
K("Does fluconazole obey the rule of five?", prop("lipinski", D("fluconazole")), "plain", SE)
K("QED and nothing else for linezolid", prop("qed", D("linezolid")), "format_instruction", CHEMBENCH)
K("What's the SA score of tadalafil", prop("sa_score", D("tadalafil")), "plain", FORUM)
K("molecular weight valproic acid", prop("molecular_weight", D("valproic acid")), "terse", SEARCH)
K("formula of vitamin C", prop("formula", D("vitamin C", "ascorbic acid")), "terse synonym", SEARCH)
K("logP of O=C(O)c1ccccc1", prop("logp", S("O=C(O)c1ccccc1")), "terse smiles_inline", CLEANMOL)
K(
    "How many rotatable bonds in CCOC(=O)c1ccc(N)cc1",
    prop("rotatable_bonds", S("CCOC(=O)c1ccc(N)cc1")),
    "smiles_inline",
    CLEANMOL,
)
K("Full property panel for metformin please", prop("all", D("metformin")), "terse", FORUM)
K(
    "HBD count of glucose (OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O)",
    prop("hbd", C("glucose", "OC[C@H]1OC(O)[C@H](O)[C@@H](O)[C@@H]1O")),
    "name_with_smiles stereo",
    CLEANMOL,
)
K("rule of 5 violations, ciclosporin", prop("lipinski_violations", D("ciclosporin")), "terse", SEARCH)
K("Hill formula of c1ccc2[nH]ccc2c1", prop("formula", S("c1ccc2[nH]ccc2c1")), "smiles_inline", CLEANMOL)
K(
    "What is the average molecular mass of cholesterol?",
    prop(
        "molecular_weight",
        C("cholesterol", "C[C@H](CCCC(C)C)[C@H]1CC[C@H]2[C@@H]3CC=C4C[C@@H](O)CC[C@]4(C)[C@H]3CC[C@]12C"),
    ),
    "plain",
    TEXTBOOK,
)
K(
    "Lipophilicity as Crippen logP for quercetin?",
    prop("logp", C("quercetin", "O=c1c(O)c(-c2ccc(O)c(O)c2)oc2cc(O)cc(O)c12")),
    "plain",
    SE,
)
K("QED of resveratrol", prop("qed", C("resveratrol", "Oc1ccc(/C=C/c2cc(O)cc(O)c2)cc1")), "terse", SEARCH)
K("whats the molecular wieght of asprin", prop("molecular_weight", D("asprin", "acetylsalicylic acid")), "typo", FORUM)
K("logP of cafeine?", prop("logp", D("cafeine", "caffeine")), "typo terse", SEARCH)
K("TPSA for paracetemol", prop("tpsa", D("paracetemol", "paracetamol")), "typo terse", SEARCH)
K("how many h bond donors in metfromin", prop("hbd", D("metfromin", "metformin")), "typo", FORUM)
K("QED atorvastatn", prop("qed", D("atorvastatn", "atorvastatin")), "typo terse", SEARCH)
K("imatinb molecular formula", prop("formula", D("imatinb", "imatinib")), "typo terse order_swapped", SEARCH)
K("does diazepan obey lipinksi?", prop("lipinski", D("diazepan", "diazepam")), "typo terse", FORUM)
K("smiles for ciprofloxacine", prop("smiles", D("ciprofloxacine", "ciprofloxacin")), "typo terse", SEARCH)
K("rotatable bonds in propanolol", prop("rotatable_bonds", D("propanolol", "propranolol")), "typo terse", SEARCH)
K("SA score of sildenafill?", prop("sa_score", D("sildenafill", "sildenafil")), "typo terse", SEARCH)
K(
    "the molecualr weight of tamoxifin, reply with a number",
    prop("molecular_weight", D("tamoxifin", "tamoxifen")),
    "typo format_instruction",
    FORUM,
)
K(
    "For my notes, can you work out how many hydrogen-bond acceptors nicotine has?",
    prop("hba", D("nicotine")),
    "chatty",
    FORUM,
)
K("Which SMILES does your database hold for morphine?", prop("smiles", D("morphine")), "plain", LLMBENCH)
K(
    "Compute the Crippen logP of benzene, c1ccccc1.",
    prop("logp", C("benzene", "c1ccccc1")),
    "name_with_smiles",
    TEXTBOOK,
)
K("What is the TPSA (Ertl) of theophylline?", prop("tpsa", D("theophylline")), "plain", MOLQA)

K("waht is the tpsa of diclofenac", prop("tpsa", D("diclofenac")), "typo terse", SEARCH)
K("formla of levodopa?", prop("formula", D("levodopa")), "typo terse", SEARCH)
K("Is fluoxetine complient with the rule of five?", prop("lipinski", D("fluoxetine")), "typo", SE)

# ================================================================= structure (single part)
K("How many nitrogen atoms are in caffeine?", st("count_element", CAFFEINE, element="N"), "plain", CLEANMOL)
K("Count the oxygen atoms in aspirin.", st("count_element", ASPIRIN, element="O"), "plain synonym", CHEMCOT)
K(
    "How many hydrogens does ibuprofen have, counting the implicit ones? Integer only.",
    st("count_element", IBU, element="H"),
    "format_instruction",
    CHEMIQ,
)
K("number of heavy atoms in paracetamol", st("heavy_atoms", D("paracetamol")), "terse", CLEANMOL)
K("How many aromatic rings does imatinib have?", st("aromatic_rings", D("imatinib")), "plain", CLEANMOL)
K("ring count (SSSR) for morphine", st("rings", D("morphine")), "terse", CHEMCOT)
K(
    "How many carbon atoms are in CC(C)Cc1ccc(cc1)C(C)C(=O)O? Answer with an integer.",
    st("count_element", S("CC(C)Cc1ccc(cc1)C(C)C(=O)O"), element="C"),
    "smiles_inline format_instruction",
    CHEMIQ,
)
K(
    "How many fluorine atoms does celecoxib contain?",
    st("count_element", D("celecoxib"), element="F"),
    "plain",
    CLEANMOL,
)
K("chlorine count in diclofenac", st("count_element", D("diclofenac"), element="Cl"), "terse", SEARCH)
K("How many sulfur atoms are in omeprazole?", st("count_element", D("omeprazole"), element="S"), "plain", CLEANMOL)
K(
    "How many bonds separate the two attachment points in *c1ccc(*)cc1?",
    st("shortest_path", S("*c1ccc(*)cc1"), atoms="*"),
    "dummy_atoms",
    CHEMIQ,
)
K(
    "In CC(=O)Oc1ccccc1C(=O)O, what is the shortest path length (in bonds) between atom 0 and atom 12? Indices are 0-based.",
    st("shortest_path", S("CC(=O)Oc1ccccc1C(=O)O"), atoms=[0, 12]),
    "smiles_inline",
    CHEMIQ,
)
K(
    "Map the atoms of OCC onto CCO (give pairs of indices).",
    amap(S("OCC"), S("CCO")),
    "smiles_inline",
    CHEMIQ,
)
K(
    "How many rings in c1ccc2c(c1)ccc1ccccc12?",
    st("rings", S("c1ccc2c(c1)ccc1ccccc12")),
    "smiles_inline terse",
    CLEANMOL,
)
K(
    "How many aromatic rings does Cc1ccc(cc1Nc1nccc(n1)-c1cccnc1)NC(=O)c1ccc(CN2CCN(C)CC2)cc1 have?",
    st("aromatic_rings", S("Cc1ccc(cc1Nc1nccc(n1)-c1cccnc1)NC(=O)c1ccc(CN2CCN(C)CC2)cc1")),
    "smiles_inline",
    CLEANMOL,
)
K("heavy atom count of atorvastatin", st("heavy_atoms", D("atorvastatin")), "terse", SEARCH)
K("How many N atoms in metformin?", st("count_element", D("metformin"), element="N"), "terse", CLEANMOL)
K("how many rings does cafeine have", st("rings", D("cafeine", "caffeine")), "typo", FORUM)
K(
    "Number of hydrogen atoms (explicit + implicit) in CCO?",
    st("count_element", S("CCO"), element="H"),
    "smiles_inline",
    CHEMIQ,
)
K(
    "What is the number of bonds on the shortest path between the two dummy atoms in *NC(=O)c1ccc(cc1)C(=O)N*?",
    st("shortest_path", S("*NC(=O)c1ccc(cc1)C(=O)N*"), atoms="*"),
    "dummy_atoms",
    CHEMIQ,
)
K(
    "Shortest topological distance between the two * atoms: *c1ccc2cc(*)ccc2c1",
    st("shortest_path", S("*c1ccc2cc(*)ccc2c1"), atoms="*"),
    "dummy_atoms terse",
    CHEMIQ,
)
K(
    "atom mapping please: c1ccccc1O -> Oc1ccccc1",
    amap(S("c1ccccc1O"), S("Oc1ccccc1")),
    "smiles_inline terse",
    CHEMIQ,
)
K(
    "Give an atom-to-atom mapping from CC(=O)N to NC(C)=O.",
    amap(S("CC(=O)N"), S("NC(C)=O")),
    "smiles_inline",
    CHEMIQ,
)
K("how many aromatic rings in naproxen", st("aromatic_rings", D("naproxen")), "terse", SEARCH)
K("Count the rings in dexamethasone.", st("rings", D("dexamethasone")), "plain", CHEMCOT)
K(
    "Bromine atoms in Brc1ccc(Br)cc1Br?",
    st("count_element", S("Brc1ccc(Br)cc1Br"), element="Br"),
    "terse smiles_inline",
    CLEANMOL,
)
K(
    "How many oxygen atoms does glucose have?",
    st("count_element", C("glucose", "OCC1OC(O)C(O)C(O)C1O"), element="O"),
    "plain",
    TEXTBOOK,
)
K(
    "How many heavy atoms does [O-][N+](=O)c1ccccc1 have?",
    st("heavy_atoms", S("[O-][N+](=O)c1ccccc1")),
    "charged smiles_inline",
    CLEANMOL,
)
K(
    "Tell me the SSSR ring count of C1CC2CCC1CC2 - answer as an integer",
    st("rings", S("C1CC2CCC1CC2")),
    "smiles_inline format_instruction",
    CHEMCOT,
)
K(
    "aromatic ring count for c1ccc2[nH]ccc2c1",
    st("aromatic_rings", S("c1ccc2[nH]ccc2c1")),
    "terse smiles_inline",
    CLEANMOL,
)
K("How many chlorines in clozapine?", st("count_element", D("clozapine"), element="Cl"), "plain", CLEANMOL)
K("number of nitrogens in imatinb?", st("count_element", D("imatinb", "imatinib"), element="N"), "typo terse", FORUM)
K("How many carbons does testosterone have?", st("count_element", D("testosterone"), element="C"), "plain", TEXTBOOK)
K("how many rings are in paclitaxel", st("rings", D("paclitaxel")), "terse", CLEANMOL)
K(
    "For CCN(CC)CC(=O)Nc1c(C)cccc1C, what is the shortest path (number of bonds) between atom 1 and atom 11 (0-indexed)?",
    st("shortest_path", S("CCN(CC)CC(=O)Nc1c(C)cccc1C"), atoms=[1, 11]),
    "smiles_inline",
    CHEMIQ,
)
K(
    "Counting atoms from 1, how many bonds lie on the shortest path between atom 1 and atom 7 of OCCc1ccccc1? "
    "(i.e. the O and the para ring carbon)",
    st("shortest_path", S("OCCc1ccccc1"), atoms=[0, 6]),
    "smiles_inline one_based",
    CHEMIQ,
)
K(
    "Map atoms from C1CCOC1 to O1CCCC1",
    amap(S("C1CCOC1"), S("O1CCCC1")),
    "smiles_inline terse",
    CHEMIQ,
)
K(
    "I have two SMILES for the same molecule: Nc1ccc(cc1)S(=O)(=O)O and OS(=O)(=O)c1ccc(N)cc1. "
    "Which atom in the second corresponds to each atom of the first?",
    amap(S("Nc1ccc(cc1)S(=O)(=O)O"), S("OS(=O)(=O)c1ccc(N)cc1")),
    "smiles_inline chatty",
    CHEMIQ,
)
K("heavy atoms in sotalol?", st("heavy_atoms", D("sotalol")), "terse", SEARCH)
K(
    "How many phosphorus atoms in OP(O)(=O)OC[C@H]1O[C@@H](n2cnc3c(N)ncnc32)[C@H](O)[C@@H]1O?",
    st("count_element", S("OP(O)(=O)OC[C@H]1O[C@@H](n2cnc3c(N)ncnc32)[C@H](O)[C@@H]1O"), element="P"),
    "smiles_inline stereo",
    CLEANMOL,
)
K(
    "How many nitrogen atoms does InChI=1S/C8H11NO2/c9-4-3-6-1-2-7(10)8(11)5-6/h1-2,5,10-11H,3-4,9H2 contain?",
    st("count_element", I("InChI=1S/C8H11NO2/c9-4-3-6-1-2-7(10)8(11)5-6/h1-2,5,10-11H,3-4,9H2"), element="N"),
    "inchi",
    CLEANMOL,
)
K("number of aromatic rings in loratadine", st("aromatic_rings", D("loratadine")), "terse", CLEANMOL)
K("How many hydrogen atoms in total does caffeine have?", st("count_element", CAFFEINE, element="H"), "plain", CHEMIQ)
K("ring count for artesunate", st("rings", D("artesunate")), "terse", CHEMCOT)
K("How many atoms (not counting hydrogens) are in nicotine?", st("heavy_atoms", D("nicotine")), "plain", TEXTBOOK)
K("number of iodine atoms in amiodarone", st("count_element", D("amiodarone"), element="I"), "terse", CLEANMOL)
K(
    "what's the shortest path in bonds between the * atoms of *C(=O)N1CCN(CC1)c1ccc(*)cc1",
    st("shortest_path", S("*C(=O)N1CCN(CC1)c1ccc(*)cc1"), atoms="*"),
    "dummy_atoms terse",
    CHEMIQ,
)
K(
    "[nH]1ccnc1 vs c1c[nH]cn1 - same molecule; give me the atom correspondence.",
    amap(S("[nH]1ccnc1"), S("c1c[nH]cn1")),
    "smiles_inline",
    CHEMIQ,
)
K(
    "How many aromatic rings does sildenafil contain? no explanation",
    st("aromatic_rings", D("sildenafil")),
    "format_instruction",
    CLEANMOL,
)
K(
    "Count the nitrogen atoms in CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21.",
    st("count_element", S("CN1C(=O)CN=C(c2ccccc2)c2cc(Cl)ccc21"), element="N"),
    "smiles_inline",
    CHEMCOT,
)

K("how mnay rings in morphine", st("rings", D("morphine")), "typo terse", FORUM)
K("nitrogen atmos in nicotine?", st("count_element", D("nicotine"), element="N"), "typo terse", SEARCH)

# ================================================================= compound_record
K("What are the targets of imatinib?", rec("targets", D("imatinib")), "plain", MOLQA)
K("What is metformin indicated for?", rec("indications", D("metformin")), "plain", MOLQA)
K("Is osimertinib approved, and by which agency?", rec("approval", D("osimertinib")), "plain", MOLQA)
K("CAS number of caffeine", rec("identifiers", CAFFEINE), "terse", SEARCH)
K("DrugBank ID for atorvastatin?", rec("identifiers", D("atorvastatin")), "terse", SEARCH)
K("which proteins does sildenafil hit", rec("targets", D("sildenafil")), "terse", FORUM)
K("Was thalidomide approved by the EMA?", rec("approval", D("thalidomide")), "plain", MOLQA)
K("What conditions is sumatriptan used to treat?", rec("indications", D("sumatriptan")), "plain", MOLQA)
K("molecular targets of gefitnib", rec("targets", D("gefitnib", "gefitinib")), "typo terse", SEARCH)
K("Give me the DrugBank accession and CAS RN for warfarin.", rec("identifiers", D("warfarin")), "plain", MOLQA)
K("Which regulators have approved sitagliptin - FDA, EMA, PMDA?", rec("approval", D("sitagliptin")), "plain", FORUM)
K("what diseases is tamoxifen approved to treat", rec("indications", D("tamoxifen")), "terse", MOLQA)
K("List the known protein targets for haloperidol.", rec("targets", D("haloperidol")), "plain", MOLQA)
K("What is the mechanism target of atenolol in your database?", rec("targets", D("atenolol")), "plain", FORUM)
K("indications of clopidogrel?", rec("indications", D("clopidogrel")), "terse", SEARCH)
K("Is dasatinib approved in Japan?", rec("approval", D("dasatinib")), "plain", FORUM)
K("identifiers for omeprazole (CAS, DrugBank)", rec("identifiers", D("omeprazole")), "terse", SEARCH)
K("What does venetoclax bind to?", rec("targets", D("venetoclax")), "plain", MOLQA)
K(
    "What's acetaminophen indicated for according to DrugCentral?",
    rec("indications", D("acetaminophen", "paracetamol")),
    "synonym",
    MOLQA,
)
K("targets of adrenaline", rec("targets", D("adrenaline", "epinephrine")), "terse synonym", SEARCH)
K("approval status of ruxolitinib", rec("approval", D("ruxolitinib")), "terse", SEARCH)
K("CAS for ibuprofen, just the number", rec("identifiers", IBU), "terse format_instruction", SEARCH)
K("Which receptors does olanzapine act on?", rec("targets", D("olanzapine")), "plain", MOLQA)
K("What is lisinopril approved for?", rec("indications", D("lisinopril")), "plain", MOLQA)
K("drugbank id of ondansteron", rec("identifiers", D("ondansteron", "ondansetron")), "typo terse", SEARCH)
K("Has fluorouracil been approved by the FDA?", rec("approval", D("fluorouracil")), "plain", MOLQA)
K("What enzymes or receptors are listed as targets for celecoxib?", rec("targets", D("celecoxib")), "plain", MOLQA)
K("What are the approved indications for donepezil?", rec("indications", D("donepezil")), "plain", MOLQA)
K("which targets does Gleevec inhibit", rec("targets", D("Gleevec", "imatinib")), "brand_name terse", FORUM)
K("Tell me the targets of levodopa in the drug database.", rec("targets", D("levodopa")), "plain", FORUM)
K("Is rivaroxaban EMA-approved?", rec("approval", D("rivaroxaban")), "terse", MOLQA)
K("What is the CAS registry number of morphine?", rec("identifiers", D("morphine")), "plain", MOLQA)
K("what's propranolol used for clinically", rec("indications", D("propranolol")), "terse", FORUM)
K("targets of sotorasib?", rec("targets", U("sotorasib")), "terse unresolved", SEARCH)

K("targts of losartan", rec("targets", D("losartan")), "typo terse", SEARCH)

# ================================================================= literature
K(
    "What does the literature say about metformin and cancer risk?",
    lit("metformin and cancer risk", D("metformin")),
    "plain",
    SE,
)
K(
    "Mechanisms of resistance to osimertinib in NSCLC?",
    lit("resistance mechanisms to osimertinib in NSCLC", D("osimertinib")),
    "terse",
    FORUM,
)
K(
    "What adverse events were reported for atorvastatin in clinical trials?",
    lit("adverse events of atorvastatin in clinical trials", D("atorvastatin")),
    "plain",
    MOLQA,
)
K(
    "Any studies on sotorasib in colorectal cancer?",
    lit("sotorasib in colorectal cancer", U("sotorasib")),
    "unresolved",
    FORUM,
)
K(
    "How does aspirin irreversibly inhibit COX? cite papers",
    lit("mechanism of COX inhibition by aspirin", ASPIRIN),
    "synonym",
    SE,
)
K(
    "What's known about imatinib resistance via BCR-ABL T315I?",
    lit("imatinib resistance via BCR-ABL T315I", D("imatinib")),
    "plain",
    FORUM,
)
K(
    "Summarise the evidence for sildenafil in pulmonary arterial hypertension.",
    lit("sildenafil in pulmonary arterial hypertension", D("sildenafil")),
    "plain",
    CHEMBENCH,
)
K(
    "What is the evidence that PCSK9 inhibition lowers cardiovascular events?",
    lit("PCSK9 inhibition and cardiovascular events"),
    "plain",
    SE,
)
K(
    "what do papers say about hepatotoxicity of paracetemol overdose",
    lit("hepatotoxicity of paracetamol overdose", D("paracetemol", "paracetamol")),
    "typo",
    FORUM,
)
K(
    "Literature on KRAS G12C inhibitors and acquired resistance",
    lit("acquired resistance to KRAS G12C inhibitors"),
    "terse",
    SEARCH,
)
K(
    "Find me recent studies on GLP-1 agonists and weight loss.",
    lit("GLP-1 receptor agonists and weight loss"),
    "plain",
    FORUM,
)
K(
    "What do clinical studies report about QT prolongation with haloperidol?",
    lit("QT prolongation with haloperidol", D("haloperidol")),
    "plain",
    MOLQA,
)
K(
    "Evidence for hydroxychloroquine in covid?",
    lit("hydroxychloroquine in COVID-19", D("hydroxychloroquine")),
    "terse",
    SEARCH,
)
K(
    "I remember a paper saying thalidomide's teratogenicity is via cereblon - what does the literature actually say?",
    lit("thalidomide teratogenicity and cereblon", D("thalidomide")),
    "chatty",
    FORUM,
)
K(
    "side effects of tamoxifen reported in trials",
    lit("side effects of tamoxifen in trials", D("tamoxifen")),
    "terse",
    SEARCH,
)
K(
    "What is the evidence on PARP inhibitors like olaparib in BRCA-mutated ovarian cancer?",
    lit("olaparib in BRCA-mutated ovarian cancer", D("olaparib")),
    "plain",
    CHEMBENCH,
)
K(
    "How do bacteria become resistant to ciprofloxacin?",
    lit("bacterial resistance to ciprofloxacin", D("ciprofloxacin")),
    "plain",
    SE,
)
K(
    "Any literature on semaglutide and pancreatitis risk?",
    lit("semaglutide and pancreatitis risk", U("semaglutide")),
    "unresolved",
    FORUM,
)
K("studies linking statins to muscle pain", lit("statins and myalgia"), "terse", SEARCH)
K(
    "What is known about the mechanism of action of metformin?",
    lit("mechanism of action of metformin", D("metformin")),
    "plain",
    MOLQA,
)
K(
    "What has been published on BBB penetration of kinase inhibitors for brain metastases?",
    lit("blood-brain barrier penetration of kinase inhibitors in brain metastases"),
    "plain",
    FORUM,
)
K(
    "Review the literature on vemurafenib resistance in melanoma.",
    lit("vemurafenib resistance in melanoma", D("vemurafenib")),
    "plain",
    CHEMBENCH,
)
K(
    "what do we know about caffeine and atrial fibrillation? studies pls",
    lit("caffeine and atrial fibrillation", CAFFEINE),
    "chatty",
    FORUM,
)
K(
    "Papers on adagrasib CNS activity?",
    lit("adagrasib CNS activity", U("adagrasib")),
    "terse unresolved",
    SEARCH,
)
K(
    "Does the literature support ibuprofen worsening COVID outcomes?",
    lit("ibuprofen and COVID-19 outcomes", IBU),
    "plain",
    SE,
)
K(
    "What mechanisms underlie clopidogrel resistance (CYP2C19)?",
    lit("clopidogrel resistance and CYP2C19", D("clopidogrel")),
    "plain",
    FORUM,
)
K(
    "Is there published evidence on lithium and suicide prevention?",
    lit("lithium and suicide prevention", C("lithium", "[Li+]")),
    "plain",
    SE,
)
K(
    "evidence that remdesivir shortens hospital stay",
    lit("remdesivir and length of hospital stay", U("remdesivir")),
    "terse unresolved",
    SEARCH,
)
K(
    "How does resistance to vancomycin arise in enterococci according to the literature?",
    lit("vancomycin resistance in enterococci", D("vancomycin")),
    "order_swapped",
    SE,
)
K(
    "Tell me what studies found on doxorubicin cardiotoxicity.",
    lit("doxorubicin cardiotoxicity", D("doxorubicin")),
    "plain",
    MOLQA,
)
K(
    "litterature on warfarin and vitamin K interactions",
    lit("warfarin and vitamin K interactions", D("warfarin")),
    "typo terse",
    SEARCH,
)
K(
    "What is the clinical evidence for donepezil in Alzheimer's disease?",
    lit("donepezil in Alzheimer's disease", D("donepezil")),
    "plain",
    MOLQA,
)

K(
    "litreature on atorvastatin and new-onset diabetes",
    lit("atorvastatin and new-onset diabetes", D("atorvastatin")),
    "typo terse",
    SEARCH,
)

# ================================================================= admet
K("Predict the aqueous solubility of ibuprofen.", adm("solubility", IBU), "plain", MOLNET)
K("Will diazepam cross the blood-brain barrier?", adm("bbb", D("diazepam")), "plain", MOLNET)
K(
    "How likely is CC(C)Cc1ccc(cc1)C(C)C(=O)O to fail a clinical trial for toxicity?",
    adm("clintox", S("CC(C)Cc1ccc(cc1)C(C)C(=O)O")),
    "smiles_inline",
    MOLNET,
)
K("predicted logD (lipophilicity model) for atenolol", adm("lipophilicity", D("atenolol")), "terse", MOLNET)
K("Is morphine BBB permeable according to your model?", adm("bbb", D("morphine")), "plain", LLMBENCH)
K(
    "Run ADMET predictions (solubility, lipophilicity, BBB, clinical tox) on Cc1ccc(cc1)S(=O)(=O)N",
    adm("solubility lipophilicity bbb clintox", S("Cc1ccc(cc1)S(=O)(=O)N")),
    "smiles_inline",
    MOLNET,
)
K("solubility prediction for naproxen?", adm("solubility", D("naproxen")), "terse", SEARCH)
K("Can loratadine get into the CNS? predict BBB penetration", adm("bbb", D("loratadine")), "plain", FORUM)
K(
    "Give me a predicted clinical toxicity risk for CCN(CC)CCNC(=O)c1ccc(N)cc1",
    adm("clintox", S("CCN(CC)CCNC(=O)c1ccc(N)cc1")),
    "smiles_inline",
    MOLNET,
)
K("Predict logS for caffiene", adm("solubility", D("caffiene", "caffeine")), "typo terse", MOLNET)
K(
    "Is this likely BBB+ or BBB-?  CN1CCN(CC1)C1=Nc2cc(Cl)ccc2Nc2ccccc12",
    adm("bbb", S("CN1CCN(CC1)C1=Nc2cc(Cl)ccc2Nc2ccccc12")),
    "smiles_inline",
    LLMBENCH,
)
K("ADMET for gefitinib", adm("solubility lipophilicity bbb clintox", D("gefitinib")), "terse", SEARCH)
K("predicted water solubility of O=C(O)c1ccccc1O", adm("solubility", S("O=C(O)c1ccccc1O")), "smiles_inline", MOLNET)
K(
    "What lipophilicity would your model predict for fluoxetine? I mean the logD-type endpoint, not Crippen.",
    adm("lipophilicity", D("fluoxetine")),
    "chatty",
    FORUM,
)
K("Will sotorasib penetrate the brain?", adm("bbb", U("sotorasib")), "unresolved", FORUM)
K("clintox prediction for thalidomide", adm("clintox", D("thalidomide")), "terse", MOLNET)
K(
    "Predict solubility and BBB for CC(=O)Nc1ccc(O)cc1",
    adm("solubility bbb", S("CC(=O)Nc1ccc(O)cc1")),
    "smiles_inline",
    MOLNET,
)
K("does cetirizine cross the BBB", adm("bbb", D("cetirizine")), "terse", SE)
K(
    "Estimate how soluble this is in water: Clc1ccc(cc1)C(c1ccc(Cl)cc1)C(Cl)(Cl)Cl",
    adm("solubility", S("Clc1ccc(cc1)C(c1ccc(Cl)cc1)C(Cl)(Cl)Cl")),
    "smiles_inline",
    MOLNET,
)
K("blood brain barier prediction for haloperidol", adm("bbb", D("haloperidol")), "typo terse", SEARCH)
K("Full ADMET panel on sorafenib please", adm("solubility lipophilicity bbb clintox", D("sorafenib")), "terse", FORUM)
K("Is fentanyl predicted to be brain penetrant?", adm("bbb", D("fentanyl")), "plain", MOLNET)
K("lipophilicity prediction: CCCCCCCCO", adm("lipophilicity", S("CCCCCCCCO")), "terse smiles_inline", MOLNET)
K("What's the predicted clinical-trial toxicity for doxorubicin?", adm("clintox", D("doxorubicin")), "plain", MOLNET)
K("predict aqeuous solubility of paclitaxel", adm("solubility", D("paclitaxel")), "typo terse", MOLNET)

K("predcit BBB penetration for nicotine", adm("bbb", D("nicotine")), "typo terse", MOLNET)

# ================================================================= toxicity
K("Any structural alerts in nitrobenzene?", tox(C("nitrobenzene", "O=[N+]([O-])c1ccccc1")), "plain", SE)
K("Check O=C(C=Cc1ccccc1)c1ccccc1 for PAINS", tox(S("O=C(C=Cc1ccccc1)c1ccccc1")), "smiles_inline terse", FORUM)
K("What toxicophores does paracetamol have?", tox(D("paracetamol")), "plain", SE)
K("Are there reactive groups in C=CC(=O)Nc1ccccc1?", tox(S("C=CC(=O)Nc1ccccc1")), "smiles_inline", FORUM)
K("safety liabilities of thalidomide's structure?", tox(D("thalidomide")), "terse", FORUM)
K(
    "Is there a Michael acceptor or other covalent warhead in osimertinib?",
    tox(D("osimertinib")),
    "plain",
    FORUM,
)
K(
    "Does Oc1ccc(O)cc1 hit any PAINS filters? (hydroquinone)",
    tox(C("hydroquinone", "Oc1ccc(O)cc1")),
    "smiles_inline",
    FORUM,
)
K("structural alerts: Nc1ccc(cc1)N=Nc1ccccc1", tox(S("Nc1ccc(cc1)N=Nc1ccccc1")), "terse smiles_inline", SEARCH)
K("Flag any toxic substructures in ClCCN(CCCl)C", tox(S("ClCCN(CCCl)C")), "smiles_inline", SE)
K("Is aniline a structural alert for mutagenicity?", tox(C("aniline", "Nc1ccccc1")), "plain", SE)
K("tox alerts for diclofanac", tox(D("diclofanac", "diclofenac")), "typo terse", SEARCH)
K(
    "We got a hit from HTS: O=C1C(=Cc2ccc(O)cc2)SC(=S)N1. Is it a PAINS compound or a real hit?",
    tox(S("O=C1C(=Cc2ccc(O)cc2)SC(=S)N1")),
    "chatty smiles_inline",
    FORUM,
)
K("Any genotoxicity alerts in CS(=O)(=O)OC?", tox(S("CS(=O)(=O)OC")), "smiles_inline", SE)
K("Check troglitazone-like liabilities in rosiglitazone", tox(D("rosiglitazone")), "plain", FORUM)
K("Toxicophore screen on CC(=O)OC1=CC=CC=C1C(O)=O", tox(S("CC(=O)OC1=CC=CC=C1C(O)=O")), "smiles_inline", SEARCH)
K("What safety red flags does the structure of chloramphenicol carry?", tox(D("chloramphenicol")), "plain", FORUM)
K("does O=CC=O contain reactive groups", tox(S("O=CC=O")), "terse smiles_inline", SEARCH)
K("Are there any structral alerts in furosemide?", tox(D("furosemide")), "typo", SE)
K("Run a PAINS + Brenk filter over Oc1ccc(cc1O)C=CC(=O)O", tox(S("Oc1ccc(cc1O)C=CC(=O)O")), "smiles_inline", FORUM)
K("Is acrylamide a reactive compound? C=CC(N)=O", tox(C("acrylamide", "C=CC(N)=O")), "name_with_smiles", SE)
K("any toxicity alerts on sotorasib's acrylamide?", tox(U("sotorasib")), "unresolved", FORUM)
K("Check isoniazid for hydrazine-type alerts", tox(D("isoniazid")), "plain", FORUM)

K("structual alerts for CC(=O)Cl", tox(S("CC(=O)Cl")), "typo terse smiles_inline", SEARCH)

# ================================================================= similarity
K("Find approved drugs similar to imatinib.", sim("approved_drugs", D("imatinib")), "plain", FORUM)
K(
    "natural products that look like quercetin",
    sim("natural_products", C("quercetin", "O=c1c(O)c(-c2ccc(O)c(O)c2)oc2cc(O)cc(O)c12")),
    "terse",
    SEARCH,
)
K("What's structurally similar to CC(=O)Nc1ccc(O)cc1?", sim("all", S("CC(=O)Nc1ccc(O)cc1")), "smiles_inline", SE)
K("Nearest neighbours of sildenafil among approved drugs", sim("approved_drugs", D("sildenafil")), "terse", FORUM)
K(
    "Are there any marketed drugs that resemble this scaffold: O=C(Nc1ccccc1)c1ccccc1?",
    sim("approved_drugs", S("O=C(Nc1ccccc1)c1ccccc1")),
    "smiles_inline",
    FORUM,
)
K(
    "Show me natural products similar to artemisinin",
    sim("natural_products", C("artemisinin", "C[C@@H]1CC[C@H]2[C@@H](C)C(=O)O[C@@H]3O[C@@]4(C)CC[C@@H]1[C@]32OO4")),
    "plain",
    FORUM,
)
K("similar compounds to celecoxib in all libraries", sim("all", D("celecoxib")), "terse", SEARCH)
K("Tanimoto search: find drugs close to fluoxetine", sim("approved_drugs", D("fluoxetine")), "terse", FORUM)
K("look-alikes of diazapam?", sim("all", D("diazapam", "diazepam")), "typo terse", FORUM)
K(
    "I'm trying to scaffold-hop from gefitinib - which approved drugs are most similar?",
    sim("approved_drugs", D("gefitinib")),
    "chatty",
    FORUM,
)
K(
    "Find NPs similar to Oc1ccc(/C=C/c2cc(O)cc(O)c2)cc1",
    sim("natural_products", S("Oc1ccc(/C=C/c2cc(O)cc(O)c2)cc1")),
    "smiles_inline stereo",
    SEARCH,
)
K("Which approved drugs are closest analogues of morphine?", sim("approved_drugs", D("morphine")), "plain", SE)
K("similarity search on caffeine", sim("all", CAFFEINE), "terse", SEARCH)
K("Are there natural products resembling capsaicin?", sim("natural_products", D("capsaicin")), "plain", FORUM)
K(
    "Find me 10 compounds similar to c1ccc2c(c1)Nc1ccccc1S2",
    sim("all", S("c1ccc2c(c1)Nc1ccccc1S2")),
    "smiles_inline",
    FORUM,
)
K("Which drugs look like atenolol structurally?", sim("approved_drugs", D("atenolol")), "plain", SE)
K("similar approved drugs to sotorasib", sim("approved_drugs", U("sotorasib")), "terse unresolved", SEARCH)
K(
    "Search the natural product library for analogues of COc1cc(CNC(=O)CCCC/C=C/C(C)C)ccc1O",
    sim("natural_products", S("COc1cc(CNC(=O)CCCC/C=C/C(C)C)ccc1O")),
    "smiles_inline stereo",
    FORUM,
)
K("what's similar to metfromin", sim("all", D("metfromin", "metformin")), "typo terse", SEARCH)
K("Closest approved-drug neighbours of tadalafil?", sim("approved_drugs", D("tadalafil")), "terse", FORUM)
K(
    "Find analogues of CN1CCC[C@H]1c1cccnc1 in natural products",
    sim("natural_products", S("CN1CCC[C@H]1c1cccnc1")),
    "smiles_inline stereo",
    FORUM,
)

K("simlar drugs to omeprazole", sim("approved_drugs", D("omeprazole")), "typo terse", SEARCH)

# ================================================================= natural_product
K(
    "What biosynthetic pathway does quercetin belong to?",
    npc("pathway", C("quercetin", "O=c1c(O)c(-c2ccc(O)c(O)c2)oc2cc(O)cc(O)c12")),
    "plain",
    MOLQA,
)
K("NP-likeness score of caffeine?", npc("np_likeness", CAFFEINE), "terse", SEARCH)
K(
    "Which superclass is artemisinin in?",
    npc("superclass", C("artemisinin", "C[C@@H]1CC[C@H]2[C@@H](C)C(=O)O[C@@H]3O[C@@]4(C)CC[C@@H]1[C@]32OO4")),
    "plain",
    MOLQA,
)
K(
    "Classify CC1=CC[C@@H](CC1)C(C)=C as a natural product (class).",
    npc("class", S("CC1=CC[C@@H](CC1)C(C)=C")),
    "smiles_inline stereo",
    MOLQA,
)
K("How natural-product-like is imatinib?", npc("np_likeness", D("imatinib")), "plain", FORUM)
K(
    "NPClassifier pathway for Oc1ccc(/C=C/c2cc(O)cc(O)c2)cc1",
    npc("pathway", S("Oc1ccc(/C=C/c2cc(O)cc(O)c2)cc1")),
    "smiles_inline",
    MOLQA,
)
K(
    "What class of natural product is berberine?",
    npc("class", C("berberine", "COc1ccc2cc3[n+](cc2c1OC)CCc1cc2OCOc2cc1-3")),
    "charged",
    MOLQA,
)
K("is paclitaxel a terpenoid? which NP pathway", npc("pathway", D("paclitaxel")), "terse", SE)
K(
    "superclass of CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O",
    npc("superclass", S("CC(C)[C@@H]1CC[C@@H](C)C[C@H]1O")),
    "smiles_inline stereo terse",
    SEARCH,
)
K(
    "np likeness for O=C(Nc1ccccc1)c1ccccc1",
    npc("np_likeness", S("O=C(Nc1ccccc1)c1ccccc1")),
    "terse smiles_inline",
    SEARCH,
)
K(
    "Which natural-product class does curcumin fall in?",
    npc("class", C("curcumin", "COc1cc(/C=C/C(=O)CC(=O)/C=C/c2ccc(O)c(OC)c2)ccc1O")),
    "plain",
    MOLQA,
)
K("Classify morphine by biosynthetic pathway.", npc("pathway", D("morphine")), "plain", MOLQA)
K("Natural product likeness of digoxin, please", npc("np_likeness", D("digoxin")), "plain", FORUM)
K("What NP superclass does capsaicin belong to?", npc("superclass", D("capsaicin")), "plain", MOLQA)
K("pathway & class? no - just the pathway of camphor", npc("pathway", D("camphor")), "chatty", FORUM)
K("Is colchicine an alkaloid? Give its NP superclass.", npc("superclass", D("colchicine")), "plain", SE)
K(
    "Compute the NP-likeness score of CC(C)(C)c1ccc(cc1)S(N)(=O)=O",
    npc("np_likeness", S("CC(C)(C)c1ccc(cc1)S(N)(=O)=O")),
    "smiles_inline",
    FORUM,
)
K("natural product class of vancomycin", npc("class", D("vancomycin")), "terse", SEARCH)
K(
    "biosynthetic origin (pathway) of limonene?",
    npc("pathway", C("limonene", "CC1=CC[C@@H](CC1)C(C)=C")),
    "terse",
    MOLQA,
)
K("what superclass is quinine", npc("superclass", D("quinine")), "terse", SEARCH)

K("NP clas of camphor", npc("class", D("camphor")), "typo terse", SEARCH)

# ================================================================= train_model
K("Train a solubility model.", train("solubility"), "terse", MOLNET)
K("Can you build me a BBB penetration classifier?", train("bbb"), "plain", MOLNET)
K("fit a model on ClinTox", train("clintox"), "terse", MOLNET)
K("Train a lipophilicity (logD) regressor and report its test error.", train("lipophilicity"), "plain", MOLNET)
K(
    "I'd like a predictive model for aqueous solubility - could you train one on ESOL?",
    train("solubility"),
    "chatty",
    MOLNET,
)
K("build a blood-brain barrier model pls", train("bbb"), "terse", FORUM)
K("Train something that predicts clinical trial toxicity", train("clintox"), "plain", LLMBENCH)
K("Please train a model to predict lipophilicity.", train("lipophilicity"), "plain", MOLNET)
K("make me a modle for solubilty", train("solubility"), "typo terse", FORUM)
K("Retrain the BBBP classifier from scratch", train("bbb"), "terse", MOLNET)
K("Could you build a QSAR model for logD7.4?", train("lipophilicity"), "plain", FORUM)
K("train clintox", train("clintox"), "terse", SEARCH)
K("Train a GNN or random forest - whichever - on the Delaney solubility set.", train("solubility"), "chatty", MOLNET)
K("I need a BBB+/- classifier trained on BBBP; show me the ROC-AUC.", train("bbb"), "format_instruction", MOLNET)
K("build a toxicity-in-trials model (ClinTox)", train("clintox"), "terse", MOLNET)

# ================================================================= SAR (Free-Wilson designs defined at the bottom)
K("Given these analogues and their pIC50s, predict the pIC50 of {query}.\n{table}", sar("A"), "data_table", FORUM)
K("Here's my series (SMILES, pKi):\n{table}\nWhat pKi would you expect for {query}?", sar("B"), "data_table", FORUM)
K("SAR table below. Estimate the activity of the missing analogue {query}.\n{table}", sar("C"), "data_table", CHEMBENCH)
K(
    "{table}\nUsing Free-Wilson analysis, what value do you predict for {query}?",
    sar("D"),
    "data_table order_swapped",
    TEXTBOOK,
)
K("predict pIC50 for {query} from this series: {table}", sar("E"), "data_table terse", FORUM)
K(
    "We measured these compounds:\n{table}\nHow potent should {query} be? Reply with a number only.",
    sar("F"),
    "data_table format_instruction",
    FORUM,
)
K("Free-Wilson please. Data:\n{table}\nQuery: {query}", sar("G"), "data_table terse", TEXTBOOK)
K(
    "I have a small matched series:\n{table}\nCan you predict the pEC50 of {query}?",
    sar("H"),
    "data_table chatty",
    FORUM,
)
K("From the SAR below, predict {query}.\n{table}", sar("I"), "data_table", CHEMBENCH)
K(
    "Analogues and pIC50:\n{table}\nwhat's the predicted pIC50 for {query}? one number",
    sar("J"),
    "data_table format_instruction",
    FORUM,
)
K("Predict the pIC50 of {query} given this (messy) data:\n{table}", sar("N1"), "data_table", FORUM)
K("Here are some IC50-derived values:\n{table}\nWhat would {query} come in at?", sar("N2"), "data_table", FORUM)
K("SAR series:\n{table}\nPredict activity for {query}", sar("N3"), "data_table terse", CHEMBENCH)
K("Can you guess the pKi of {query} from these?\n{table}", sar("N4"), "data_table order_swapped", FORUM)
K("{table}\npredict {query}", sar("N5"), "data_table terse", SEARCH)

# ================================================================= reaction
K(
    "What is the product of acetic acid and benzylamine under amide coupling conditions?",
    rxn("amide_coupling", [C("acetic acid", "CC(=O)O"), C("benzylamine", "NCc1ccccc1")], "CC(=O)NCc1ccccc1", ["O"]),
    "plain",
    TEXTBOOK,
)
K(
    "OC(=O)c1ccccc1 + NC1CCCCC1, HATU, DIPEA, DMF -> ?",
    rxn("amide_coupling", [S("OC(=O)c1ccccc1"), S("NC1CCCCC1")], "O=C(NC1CCCCC1)c1ccccc1", ["O"]),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "Predict the product when benzoic acid is refluxed in methanol with catalytic H2SO4.",
    rxn("esterification", [C("benzoic acid", "OC(=O)c1ccccc1"), C("methanol", "CO")], "COC(=O)c1ccccc1", ["O"]),
    "plain",
    TEXTBOOK,
)
K(
    "acetic acid + ethanol (Fischer esterification) gives what?",
    rxn("esterification", [C("acetic acid", "CC(=O)O"), C("ethanol", "CCO")], "CCOC(C)=O", ["O"]),
    "terse",
    TEXTBOOK,
)
K(
    "Reductive amination of benzaldehyde with morpholine using NaBH(OAc)3 - what's the product?",
    rxn(
        "reductive_amination",
        [C("benzaldehyde", "O=Cc1ccccc1"), C("morpholine", "C1COCCN1")],
        "C1COCCN1Cc1ccccc1",
        ["O"],
        ["[H][H]"],
    ),
    "plain",
    TEXTBOOK,
)
K(
    "cyclohexanone and benzylamine, NaBH3CN, MeOH. product?",
    rxn(
        "reductive_amination",
        [C("cyclohexanone", "O=C1CCCCC1"), C("benzylamine", "NCc1ccccc1")],
        "c1ccc(CNC2CCCCC2)cc1",
        ["O"],
        ["[H][H]"],
    ),
    "terse",
    TEXTBOOK,
)
K(
    "What do you get from 4-fluoronitrobenzene and morpholine with K2CO3 in DMSO at 100 °C?",
    rxn(
        "snar",
        [C("4-fluoronitrobenzene", "O=[N+]([O-])c1ccc(F)cc1"), C("morpholine", "C1COCCN1")],
        "O=[N+]([O-])c1ccc(N2CCOCC2)cc1",
        ["F"],
    ),
    "plain",
    TEXTBOOK,
)
K(
    "SNAr: Clc1ncccn1 + CN1CCNCC1 -> product SMILES?",
    rxn("snar", [S("Clc1ncccn1"), S("CN1CCNCC1")], "CN1CCN(c2ncccn2)CC1", ["Cl"]),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "Suzuki coupling of bromobenzene with phenylboronic acid (Pd(PPh3)4, K2CO3): product?",
    rxn(
        "suzuki",
        [C("bromobenzene", "Brc1ccccc1"), C("phenylboronic acid", "OB(O)c1ccccc1")],
        "c1ccc(-c2ccccc2)cc1",
        ["OB(O)Br"],
    ),
    "plain",
    TEXTBOOK,
)
K(
    "Brc1ccc(C)cc1 + OB(O)c1ccncc1 under Suzuki conditions gives?",
    rxn("suzuki", [S("Brc1ccc(C)cc1"), S("OB(O)c1ccncc1")], "Cc1ccc(-c2ccncc2)cc1", ["OB(O)Br"]),
    "smiles_inline",
    LLMBENCH,
)
K(
    "Buchwald-Hartwig amination of 4-bromoanisole with morpholine - give me the product as SMILES, nothing else.",
    rxn(
        "buchwald_hartwig",
        [C("4-bromoanisole", "COc1ccc(Br)cc1"), C("morpholine", "C1COCCN1")],
        "COc1ccc(N2CCOCC2)cc1",
        ["Br"],
    ),
    "format_instruction",
    TEXTBOOK,
)
K(
    "Pd2(dba)3 / BINAP / NaOtBu: Brc1ccccn1 + Nc1ccccc1 = ?",
    rxn("buchwald_hartwig", [S("Brc1ccccn1"), S("Nc1ccccc1")], "c1ccc(Nc2ccccn2)cc1", ["Br"]),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "What forms when iodobenzene is coupled with phenylacetylene (Pd/Cu, Et3N)?",
    rxn(
        "sonogashira",
        [C("iodobenzene", "Ic1ccccc1"), C("phenylacetylene", "C#Cc1ccccc1")],
        "C(#Cc1ccccc1)c1ccccc1",
        ["I"],
    ),
    "plain",
    TEXTBOOK,
)
K(
    "Sonogashira: Ic1ccc(cc1)C(=O)OC with C#CC(C)(C)O. Product?",
    rxn("sonogashira", [S("Ic1ccc(cc1)C(=O)OC"), S("C#CC(C)(C)O")], "COC(=O)c1ccc(C#CC(C)(C)O)cc1", ["I"]),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "What do I get after treating Boc-piperazine with TFA in DCM?",
    rxn("boc_deprotection", [C("Boc-piperazine", "CC(C)(C)OC(=O)N1CCNCC1")], "C1CNCCN1", ["O=C=O", "C=C(C)C"]),
    "plain",
    FORUM,
)
K(
    "Boc removal (4M HCl/dioxane) on CC(C)(C)OC(=O)NCc1ccccc1 - product?",
    rxn("boc_deprotection", [S("CC(C)(C)OC(=O)NCc1ccccc1")], "NCc1ccccc1", ["O=C=O", "C=C(C)C"]),
    "smiles_inline",
    FORUM,
)
K(
    "Hydrolyse methyl benzoate with LiOH in THF/water. What's the product after acidic workup?",
    rxn("ester_hydrolysis", [C("methyl benzoate", "COC(=O)c1ccccc1")], "OC(=O)c1ccccc1", ["CO"], ["O"]),
    "plain",
    TEXTBOOK,
)
K(
    "saponification of CCOC(=O)c1ccc(N)cc1, then acidify: product?",
    rxn("ester_hydrolysis", [S("CCOC(=O)c1ccc(N)cc1")], "Nc1ccc(cc1)C(=O)O", ["CCO"], ["O"]),
    "smiles_inline terse",
    TEXTBOOK,
)
K(
    "piperidine + benzyl bromide, K2CO3, MeCN - what's the product?",
    rxn(
        "n_alkylation", [C("piperidine", "C1CCNCC1"), C("benzyl bromide", "BrCc1ccccc1")], "C1CCN(CC1)Cc1ccccc1", ["Br"]
    ),
    "terse",
    TEXTBOOK,
)
K(
    "N-methylation of c1ccc2[nH]ccc2c1 with CI (NaH, DMF). Give the product.",
    rxn("n_alkylation", [S("c1ccc2[nH]ccc2c1"), S("CI")], "Cn1ccc2ccccc21", ["I"]),
    "smiles_inline",
    LLMBENCH,
)
K(
    "What's formed when phenyl isocyanate reacts with benzylamine?",
    rxn(
        "urea_formation",
        [C("phenyl isocyanate", "O=C=Nc1ccccc1"), C("benzylamine", "NCc1ccccc1")],
        "O=C(NCc1ccccc1)Nc1ccccc1",
    ),
    "plain",
    TEXTBOOK,
)
K(
    "O=C=Nc1ccc(Cl)cc1 + NC1CC1 -> urea?",
    rxn("urea_formation", [S("O=C=Nc1ccc(Cl)cc1"), S("NC1CC1")], "O=C(Nc1ccc(Cl)cc1)NC1CC1"),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "Tosyl chloride and aniline in pyridine: draw the product (SMILES).",
    rxn(
        "sulfonamide_formation",
        [C("Tosyl chloride", "Cc1ccc(cc1)S(Cl)(=O)=O"), C("aniline", "Nc1ccccc1")],
        "Cc1ccc(cc1)S(=O)(=O)Nc1ccccc1",
        ["Cl"],
    ),
    "format_instruction",
    TEXTBOOK,
)
K(
    "CS(=O)(=O)Cl + NCc1ccccc1 with Et3N gives?",
    rxn("sulfonamide_formation", [S("CS(=O)(=O)Cl"), S("NCc1ccccc1")], "CS(=O)(=O)NCc1ccccc1", ["Cl"]),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "Click reaction between benzyl azide and phenylacetylene (CuSO4, sodium ascorbate) - which triazole forms?",
    rxn(
        "cuaac_click",
        [C("benzyl azide", "[N-]=[N+]=NCc1ccccc1"), C("phenylacetylene", "C#Cc1ccccc1")],
        "c1ccc(Cn2cc(-c3ccccc3)nn2)cc1",
    ),
    "plain",
    TEXTBOOK,
)
K(
    "CuAAC: [N-]=[N+]=NCC(=O)O + C#Cc1ccccn1 -> ?",
    rxn("cuaac_click", [S("[N-]=[N+]=NCC(=O)O"), S("C#Cc1ccccn1")], "OC(=O)Cn1cc(-c2ccccn2)nn1"),
    "smiles_inline charged terse",
    LLMBENCH,
)
K(
    "Couple Boc-glycine to aniline with EDC/HOBt. What is the product?",
    rxn(
        "amide_coupling",
        [C("Boc-glycine", "CC(C)(C)OC(=O)NCC(=O)O"), C("aniline", "Nc1ccccc1")],
        "CC(C)(C)OC(=O)NCC(=O)Nc1ccccc1",
        ["O"],
    ),
    "plain",
    FORUM,
)
K(
    "benzoyl chloride + dimethylamine (Schotten-Baumann) -> product?",
    rxn(
        "amide_coupling",
        [C("benzoyl chloride", "ClC(=O)c1ccccc1"), C("dimethylamine", "CNC")],
        "CN(C)C(=O)c1ccccc1",
        ["Cl"],
    ),
    "terse",
    TEXTBOOK,
)
K(
    "reductive amination: O=Cc1ccc(F)cc1 with CNC and STAB",
    rxn("reductive_amination", [S("O=Cc1ccc(F)cc1"), S("CNC")], "CN(C)Cc1ccc(F)cc1", ["O"], ["[H][H]"]),
    "smiles_inline terse",
    LLMBENCH,
)
K(
    "What is the Suzuki product of 3-bromopyridine and 4-methoxyphenylboronic acid?",
    rxn(
        "suzuki",
        [C("3-bromopyridine", "Brc1cccnc1"), C("4-methoxyphenylboronic acid", "COc1ccc(cc1)B(O)O")],
        "COc1ccc(cc1)-c1cccnc1",
        ["OB(O)Br"],
    ),
    "plain",
    TEXTBOOK,
)
K(
    "predict teh product: acetic acid + anilne, amide coupling",
    rxn("amide_coupling", [C("acetic acid", "CC(=O)O"), C("anilne", "Nc1ccccc1")], "CC(=O)Nc1ccccc1", ["O"]),
    "typo terse",
    FORUM,
)
K(
    "If I esterify salicylic acid's phenol with acetic anhydride, what do I make?",
    rxn(
        "o_acylation",
        [C("salicylic acid", "OC(=O)c1ccccc1O"), C("acetic anhydride", "CC(=O)OC(C)=O")],
        "CC(=O)Oc1ccccc1C(=O)O",
        ["CC(=O)O"],
    ),
    "chatty",
    TEXTBOOK,
)

# ================================================================= elucidation (shifts in ppm; approximate literature values)
K(
    "Unknown C4H8O2. 1H NMR (CDCl3): 4.12 (q, 2H), 2.05 (s, 3H), 1.26 (t, 3H). 13C: 171.1, 60.4, 21.0, 14.2. Structure?",
    eluc("C4H8O2", ["4.12 (q, 2H)", "2.05 (s, 3H)", "1.26 (t, 3H)"], [171.1, 60.4, 21.0, 14.2], "CCOC(C)=O"),
    "data_table",
    CHEMIQ,
)
K(
    "Propose a structure: C8H8O; 1H δ 7.96 (d, 2H), 7.56 (t, 1H), 7.46 (t, 2H), 2.61 (s, 3H); 13C δ 198.1, 137.1, 133.1, 128.6, 128.3, 26.6",
    eluc(
        "C8H8O",
        ["7.96 (d, 2H)", "7.56 (t, 1H)", "7.46 (t, 2H)", "2.61 (s, 3H)"],
        [198.1, 137.1, 133.1, 128.6, 128.3, 26.6],
        "CC(=O)c1ccccc1",
    ),
    "data_table",
    CHEMIQ,
)
K(
    "What compound is this? Formula C8H8O2. 1H NMR: 9.88 (s, 1H), 7.84 (d, 2H), 7.00 (d, 2H), 3.88 (s, 3H).",
    eluc("C8H8O2", ["9.88 (s, 1H)", "7.84 (d, 2H)", "7.00 (d, 2H)", "3.88 (s, 3H)"], [], "COc1ccc(C=O)cc1"),
    "data_table",
    TEXTBOOK,
)
K(
    "C4H8O, 13C NMR peaks at 209.3, 36.9, 29.4 and 7.9 ppm; 1H 2.44 (q, 2H), 2.14 (s, 3H), 1.06 (t, 3H). Identify it.",
    eluc("C4H8O", ["2.44 (q, 2H)", "2.14 (s, 3H)", "1.06 (t, 3H)"], [209.3, 36.9, 29.4, 7.9], "CCC(C)=O"),
    "data_table",
    TEXTBOOK,
)
K(
    "elucidate: C3H8O, 1H 4.02 (septet, 1H), 2.10 (br s, 1H), 1.20 (d, 6H); 13C 64.0, 25.3",
    eluc("C3H8O", ["4.02 (septet, 1H)", "2.10 (br s, 1H)", "1.20 (d, 6H)"], [64.0, 25.3], "CC(C)O"),
    "data_table terse",
    CHEMIQ,
)
K(
    "My unknown has formula C7H8O. Proton NMR shows 7.25-7.40 (m, 5H), 4.67 (s, 2H), 2.0 (br, 1H) and carbon 140.9, 128.6, 127.6, 127.0, 65.2. "
    "What is it? Give a SMILES.",
    eluc(
        "C7H8O", ["7.25-7.40 (m, 5H)", "4.67 (s, 2H)", "2.0 (br, 1H)"], [140.9, 128.6, 127.6, 127.0, 65.2], "OCc1ccccc1"
    ),
    "data_table chatty format_instruction",
    SE,
)
K(
    "C3H7NO; 1H: 8.02 (s, 1H), 2.96 (s, 3H), 2.88 (s, 3H); 13C: 162.7, 36.5, 31.4 -> structure?",
    eluc("C3H7NO", ["8.02 (s, 1H)", "2.96 (s, 3H)", "2.88 (s, 3H)"], [162.7, 36.5, 31.4], "CN(C)C=O"),
    "data_table terse",
    CHEMIQ,
)
K(
    "Identify C8H8O2 with 1H NMR 8.03 (d, 2H), 7.55 (t, 1H), 7.43 (t, 2H), 3.91 (s, 3H) and 13C 167.1, 132.9, 130.2, 129.6, 128.4, 52.1.",
    eluc(
        "C8H8O2",
        ["8.03 (d, 2H)", "7.55 (t, 1H)", "7.43 (t, 2H)", "3.91 (s, 3H)"],
        [167.1, 132.9, 130.2, 129.6, 128.4, 52.1],
        "COC(=O)c1ccccc1",
    ),
    "data_table",
    TEXTBOOK,
)
K(
    "Structure from NMR: C8H9NO, δH 7.50 (d, 2H), 7.42 (br s, 1H, NH), 7.30 (t, 2H), 7.10 (t, 1H), 2.16 (s, 3H); δC 168.5, 138.0, 129.0, 124.3, 120.0, 24.5",
    eluc(
        "C8H9NO",
        ["7.50 (d, 2H)", "7.42 (br s, 1H)", "7.30 (t, 2H)", "7.10 (t, 1H)", "2.16 (s, 3H)"],
        [168.5, 138.0, 129.0, 124.3, 120.0, 24.5],
        "CC(=O)Nc1ccccc1",
    ),
    "data_table",
    CHEMIQ,
)
K(
    "C4H10O with only two 1H signals: 3.48 (q, 4H) and 1.21 (t, 6H); 13C 65.9, 15.3. what is it",
    eluc("C4H10O", ["3.48 (q, 4H)", "1.21 (t, 6H)"], [65.9, 15.3], "CCOCC"),
    "data_table terse",
    TEXTBOOK,
)
K(
    "C7H8, 1H NMR 7.10-7.30 (m, 5H), 2.35 (s, 3H); 13C 137.9, 129.1, 128.3, 125.4, 21.5. Structure please.",
    eluc("C7H8", ["7.10-7.30 (m, 5H)", "2.35 (s, 3H)"], [137.9, 129.1, 128.3, 125.4, 21.5], "Cc1ccccc1"),
    "data_table",
    TEXTBOOK,
)

# ================================================================= conversation
for text, style, src in [
    ("Hello! Who are you?", "plain", CHAT),
    ("hi there", "terse", CHAT),
    ("Good morning ECH0 :)", "chatty", CHAT),
    ("hey, who am I talking to?", "chatty", CHAT),
    ("Hi, are you a bot or a person?", "plain", CHAT),
    ("Greetings. Please introduce yourself.", "plain", CHAT),
    ("helo", "typo terse", CHAT),
    ("Hallo! Wer bist du?", "non_english", CHAT),
]:
    K(text, conv("greeting"), style, src)
for text, style, src in [
    ("what can you do?", "terse", CHAT),
    ("What kinds of chemistry questions can you help me with?", "plain", CHAT),
    ("list your tools", "terse", CHAT),
    ("Can you predict ADMET stuff or do you only look things up?", "chatty", FORUM),
    ("what are you capable of", "terse", CHAT),
    ("How could you help me with a lead-optimisation project?", "plain", FORUM),
    ("help", "terse", CHAT),
    ("What sort of models can you train?", "plain", CHAT),
    ("what r ur capabilites", "typo terse", CHAT),
]:
    K(text, conv("capabilities"), style, src)
for text, style, src in [
    ("thanks!", "terse", CHAT),
    ("Thank you, that was really helpful.", "plain", CHAT),
    ("cheers mate", "terse", CHAT),
    ("thx", "terse", CHAT),
    ("Great, appreciate it", "plain", CHAT),
    ("thank u so much!!", "typo chatty", CHAT),
    ("Perfect, thanks a lot!", "plain", CHAT),
]:
    K(text, conv("thanks"), style, src)
for text, style, src in [
    ("What's the weather in Basel tomorrow?", "plain", CHAT),
    ("Give me a recipe for banana bread", "plain", CHAT),
    ("Write me a React website for my bakery", "plain", CHAT),
    ("Should I buy Pfizer stock right now?", "plain", CHAT),
    ("Who won the football world cup in 2018?", "plain", CHAT),
    ("translate 'good morning' into japanese", "terse", CHAT),
    ("Help me write a cover letter for a sales job", "plain", CHAT),
    ("What's the best pizza place in Boston?", "plain", CHAT),
    ("my django login page throws a 500, can you debug it?", "chatty", CHAT),
    ("Tell me a joke about cats", "plain", CHAT),
    ("how do I change a flat tyre", "terse", CHAT),
    ("Plan me a 5-day trip to Lisbon", "plain", CHAT),
    ("whats the bitcoin price prediction for next year", "typo terse", CHAT),
]:
    K(text, conv("out_of_scope"), style, src)
for text, style, src in [
    ("asdfgh", "gibberish", CHAT),
    ("help me with my molecule", "terse", FORUM),
    ("what about it?", "terse", CHAT),
    ("the compound", "terse", CHAT),
    ("can you check this", "terse", FORUM),
    ("??", "gibberish", CHAT),
    ("do the thing from before", "terse", CHAT),
    ("make it better", "terse", FORUM),
    ("Is it good?", "terse", CHAT),
    ("compound 7 - thoughts?", "terse", FORUM),
    ("qwe rty uiop zxcv", "gibberish", CHAT),
]:
    K(text, conv("clarify"), style, src)

# ================================================================= multi-part
K(
    "How many rings does caffeine have and what is its TPSA?",
    [st("rings", CAFFEINE), prop("tpsa", CAFFEINE)],
    "multi",
    CLEANMOL,
)
K(
    "What's the logP of gefitinib, and what does the literature say about resistance to it?",
    [prop("logp", D("gefitinib")), lit("resistance to gefitinib", D("gefitinib"))],
    "multi",
    FORUM,
)
K(
    "Find approved drugs similar to imatinib and list their targets.",
    [sim("approved_drugs", D("imatinib")), rec("targets", depends_on=0)],
    "multi",
    FORUM,
)
K(
    "Predict BBB penetration for diazepam and tell me what studies say about its dependence liability.",
    [adm("bbb", D("diazepam")), lit("dependence liability of diazepam", D("diazepam"))],
    "multi",
    FORUM,
)
K("MW and logP for aspirin", [prop("molecular_weight", ASPIRIN), prop("logp", ASPIRIN)], "multi terse synonym", SEARCH)
K(
    "Compare the TPSA of atenolol and propranolol.",
    [prop("tpsa", D("atenolol")), prop("tpsa", D("propranolol"))],
    "multi",
    SE,
)
K(
    "Check PAINS alerts and the QED for O=C1C(=Cc2ccccc2)SC(=S)N1",
    [tox(S("O=C1C(=Cc2ccccc2)SC(=S)N1")), prop("qed", S("O=C1C(=Cc2ccccc2)SC(=S)N1"))],
    "multi smiles_inline",
    FORUM,
)
K(
    "Is curcumin natural-product-like, and which NP class does it fall in?",
    [
        npc("np_likeness", C("curcumin", "COc1cc(/C=C/C(=O)CC(=O)/C=C/c2ccc(O)c(OC)c2)ccc1O")),
        npc("class", C("curcumin", "COc1cc(/C=C/C(=O)CC(=O)/C=C/c2ccc(O)c(OC)c2)ccc1O")),
    ],
    "multi",
    MOLQA,
)
K(
    "Train a solubility model and then use it to predict ibuprofen.",
    [train("solubility"), adm("solubility", IBU)],
    "multi",
    MOLNET,
)
K("hbd/hba count for morphine", [prop("hbd", D("morphine")), prop("hba", D("morphine"))], "multi terse", SEARCH)
K(
    "Hi! What's the molecular weight of caffeine?",
    [conv("greeting"), prop("molecular_weight", CAFFEINE)],
    "multi chatty",
    CHAT,
)
K(
    "What are the targets of sildenafil and what is it indicated for?",
    [rec("targets", D("sildenafil")), rec("indications", D("sildenafil"))],
    "multi",
    MOLQA,
)
K(
    "Give me the formula and the number of aromatic rings of naproxen.",
    [prop("formula", D("naproxen")), st("aromatic_rings", D("naproxen"))],
    "multi",
    CLEANMOL,
)
K(
    "For CC(=O)Nc1ccc(O)cc1: number of heavy atoms, QED, and any structural alerts?",
    [st("heavy_atoms", S("CC(=O)Nc1ccc(O)cc1")), prop("qed", S("CC(=O)Nc1ccc(O)cc1")), tox(S("CC(=O)Nc1ccc(O)cc1"))],
    "multi smiles_inline",
    FORUM,
)
K(
    "Is metformin Lipinski compliant, and what is known about its use in PCOS?",
    [prop("lipinski", D("metformin")), lit("metformin in polycystic ovary syndrome", D("metformin"))],
    "multi",
    FORUM,
)
K(
    "Predict solubility for osimertinib and summarise known resistance mechanisms.",
    [adm("solubility", D("osimertinib")), lit("osimertinib resistance mechanisms", D("osimertinib"))],
    "multi",
    FORUM,
)
K(
    "What's the SMILES of nicotine and how many nitrogens does it have?",
    [prop("smiles", D("nicotine")), st("count_element", D("nicotine"), element="N")],
    "multi",
    CLEANMOL,
)
K(
    "logP of ibuprofen vs naproxen?",
    [prop("logp", IBU), prop("logp", D("naproxen"))],
    "multi terse",
    SE,
)
K(
    "Find natural products similar to artemisinin and tell me their NP class.",
    [
        sim("natural_products", C("artemisinin", "C[C@@H]1CC[C@H]2[C@@H](C)C(=O)O[C@@H]3O[C@@]4(C)CC[C@@H]1[C@]32OO4")),
        {"intent": "natural_product", "np_level": "class", "compounds": [], "depends_on": 0},
    ],
    "multi",
    FORUM,
)
K(
    "Thanks! Also, could you give me the TPSA of lisinopril?",
    [conv("thanks"), prop("tpsa", D("lisinopril"))],
    "multi chatty",
    CHAT,
)
K(
    "For warfarin: CAS number, targets, and Crippen logP please.",
    [rec("identifiers", D("warfarin")), rec("targets", D("warfarin")), prop("logp", D("warfarin"))],
    "multi",
    FORUM,
)
K(
    "Train a BBB model, then tell me if haloperidol gets into the brain.",
    [train("bbb"), adm("bbb", D("haloperidol"))],
    "multi",
    MOLNET,
)
K(
    "rings + aromatic rings of c1ccc2c(c1)oc1ccccc12",
    [st("rings", S("c1ccc2c(c1)oc1ccccc12")), st("aromatic_rings", S("c1ccc2c(c1)oc1ccccc12"))],
    "multi terse smiles_inline",
    CHEMCOT,
)
K(
    "Does dasatinib cross the BBB, and what has been published on its CNS activity?",
    [adm("bbb", D("dasatinib")), lit("dasatinib CNS activity", D("dasatinib"))],
    "multi",
    FORUM,
)
K(
    "What's the molecular weight of sotorasib and which proteins does it target?",
    [prop("molecular_weight", U("sotorasib")), rec("targets", U("sotorasib"))],
    "multi unresolved",
    FORUM,
)
K(
    "QED, SA score and number of Lipinski violations for vemurafenib",
    [prop("qed", D("vemurafenib")), prop("sa_score", D("vemurafenib")), prop("lipinski_violations", D("vemurafenib"))],
    "multi terse",
    FORUM,
)
K(
    "Check c1ccc(cc1)N=Nc1ccccc1 for toxicophores and find approved drugs that look like it",
    [tox(S("c1ccc(cc1)N=Nc1ccccc1")), sim("approved_drugs", S("c1ccc(cc1)N=Nc1ccccc1"))],
    "multi smiles_inline",
    FORUM,
)
K(
    "What is the NP pathway of morphine and what are its targets?",
    [npc("pathway", D("morphine")), rec("targets", D("morphine"))],
    "multi",
    MOLQA,
)
K(
    "How many chlorines and how many nitrogens are in clozapine?",
    [st("count_element", D("clozapine"), element="Cl"), st("count_element", D("clozapine"), element="N")],
    "multi",
    CHEMCOT,
)
K(
    "Tell me the indications of tamoxifen and summarise the literature on tamoxifen resistance.",
    [rec("indications", D("tamoxifen")), lit("tamoxifen resistance", D("tamoxifen"))],
    "multi",
    MOLQA,
)
K(
    "Predict the product of benzoic acid + benzylamine (amide coupling) and give its molecular weight.",
    [
        rxn(
            "amide_coupling",
            [C("benzoic acid", "OC(=O)c1ccccc1"), C("benzylamine", "NCc1ccccc1")],
            "O=C(NCc1ccccc1)c1ccccc1",
            ["O"],
        ),
        {"intent": "property", "property": "molecular_weight", "compounds": [], "depends_on": 0},
    ],
    "multi",
    TEXTBOOK,
)
K(
    "Is sildenafil Lipinski-compliant? Also what's its TPSA and formula. Answer briefly.",
    [prop("lipinski", D("sildenafil")), prop("tpsa", D("sildenafil")), prop("formula", D("sildenafil"))],
    "multi format_instruction",
    CHEMBENCH,
)
K(
    "ADMET + toxicity alerts for CC(=O)Oc1ccccc1C(=O)O",
    [adm("solubility lipophilicity bbb clintox", S("CC(=O)Oc1ccccc1C(=O)O")), tox(S("CC(=O)Oc1ccccc1C(=O)O"))],
    "multi terse smiles_inline",
    FORUM,
)
K(
    "Give me a property profile for olaparib and tell me what trials showed about its side effects.",
    [prop("all", D("olaparib")), lit("olaparib side effects in clinical trials", D("olaparib"))],
    "multi",
    FORUM,
)
K(
    "number of rotatable bonds and HBD for lisinoprill",
    [prop("rotatable_bonds", D("lisinoprill", "lisinopril")), prop("hbd", D("lisinoprill", "lisinopril"))],
    "multi typo terse",
    SEARCH,
)
K(
    "What are the targets of ibrutinib and how does resistance (C481S) develop?",
    [rec("targets", D("ibrutinib")), lit("ibrutinib resistance via BTK C481S", D("ibrutinib"))],
    "multi",
    FORUM,
)
K(
    "Train a clintox model and run it on thalidomide.",
    [train("clintox"), adm("clintox", D("thalidomide"))],
    "multi",
    MOLNET,
)
K(
    "Shortest path between the * atoms in *c1ccc(cc1)C(=O)N* and its heavy atom count",
    [st("shortest_path", S("*c1ccc(cc1)C(=O)N*"), atoms="*"), st("heavy_atoms", S("*c1ccc(cc1)C(=O)N*"))],
    "multi dummy_atoms",
    CHEMIQ,
)
K(
    "For each of these, give the molecular weight: CCO, CC(C)O, OCCO",
    [prop("molecular_weight", S("CCO")), prop("molecular_weight", S("CC(C)O")), prop("molecular_weight", S("OCCO"))],
    "multi smiles_list",
    CLEANMOL,
)
K(
    "logP for each: c1ccccc1, Cc1ccccc1, Oc1ccccc1, Nc1ccccc1",
    [
        prop("logp", S("c1ccccc1")),
        prop("logp", S("Cc1ccccc1")),
        prop("logp", S("Oc1ccccc1")),
        prop("logp", S("Nc1ccccc1")),
    ],
    "multi smiles_list terse",
    CLEANMOL,
)
K(
    "Which approved drugs resemble tadalafil, and what does the literature say about tadalafil for BPH?",
    [sim("approved_drugs", D("tadalafil")), lit("tadalafil for benign prostatic hyperplasia", D("tadalafil"))],
    "multi",
    FORUM,
)
K(
    "Is epinephrine BBB-penetrant, and what are its targets?",
    [adm("bbb", D("epinephrine")), rec("targets", D("epinephrine"))],
    "multi",
    FORUM,
)
K(
    "what's the qed of paracetamol and is there anything toxic-looking in it",
    [prop("qed", D("paracetamol")), tox(D("paracetamol"))],
    "multi chatty",
    FORUM,
)
K(
    "How many oxygens does vitamin C have, and what's its logP?",
    [st("count_element", D("vitamin C", "ascorbic acid"), element="O"), prop("logp", D("vitamin C", "ascorbic acid"))],
    "multi synonym",
    TEXTBOOK,
)
K(
    "Give the SMILES of atorvastatin, then find approved drugs similar to it.",
    [prop("smiles", D("atorvastatin")), sim("approved_drugs", D("atorvastatin"))],
    "multi",
    FORUM,
)
K(
    "What's the approval status of olanzapine and the evidence on metabolic side effects?",
    [rec("approval", D("olanzapine")), lit("metabolic side effects of olanzapine", D("olanzapine"))],
    "multi",
    MOLQA,
)
K(
    "Two things: the TPSA of CN1C=NC2=C1C(=O)N(C(=O)N2C)C, and its predicted solubility.",
    [prop("tpsa", S("CN1C=NC2=C1C(=O)N(C(=O)N2C)C")), adm("solubility", S("CN1C=NC2=C1C(=O)N(C(=O)N2C)C"))],
    "multi smiles_inline",
    FORUM,
)
K(
    "Hey, what can you do? For example could you tell me the logP of toluene?",
    [conv("capabilities"), prop("logp", C("toluene", "Cc1ccccc1"))],
    "multi chatty",
    CHAT,
)
K(
    "Weight and formula of dopamine (NCCc1ccc(O)c(O)c1)",
    [prop("molecular_weight", C("dopamine", "NCCc1ccc(O)c(O)c1")), prop("formula", C("dopamine", "NCCc1ccc(O)c(O)c1"))],
    "multi name_with_smiles",
    CLEANMOL,
)
K(
    "First tell me what literature says about lapatinib cardiotoxicity, then predict its clinical toxicity.",
    [lit("lapatinib cardiotoxicity", D("lapatinib")), adm("clintox", D("lapatinib"))],
    "multi",
    FORUM,
)
K(
    "Map atoms from CCN to NCC, and how many heavy atoms is that?",
    [amap(S("CCN"), S("NCC")), st("heavy_atoms", S("CCN"))],
    "multi smiles_inline",
    CHEMIQ,
)
K(
    "What's the superclass of quinine and is it similar to any approved drug?",
    [npc("superclass", D("quinine")), sim("approved_drugs", D("quinine"))],
    "multi",
    FORUM,
)
K(
    "SA score and predicted logD for COc1ccc2nc([nH]c2c1)S(=O)Cc1ncc(C)c(OC)c1C",
    [
        prop("sa_score", S("COc1ccc2nc([nH]c2c1)S(=O)Cc1ncc(C)c(OC)c1C")),
        adm("lipophilicity", S("COc1ccc2nc([nH]c2c1)S(=O)Cc1ncc(C)c(OC)c1C")),
    ],
    "multi smiles_inline",
    FORUM,
)
K(
    "Is the rule of 5 satisfied by rifampicin? And what do the papers say about rifampicin drug interactions?",
    [prop("lipinski", D("rifampicin")), lit("rifampicin drug-drug interactions", D("rifampicin"))],
    "multi",
    SE,
)
K(
    "count carbons and hydrogens in glucose",
    [
        st("count_element", C("glucose", "OCC1OC(O)C(O)C(O)C1O"), element="C"),
        st("count_element", C("glucose", "OCC1OC(O)C(O)C(O)C1O"), element="H"),
    ],
    "multi terse",
    TEXTBOOK,
)
K(
    "Which drugs are similar to olaparib, and what does the literature say about PARP inhibitor resistance?",
    [sim("approved_drugs", D("olaparib")), lit("PARP inhibitor resistance")],
    "multi",
    FORUM,
)
K(
    "MW of the product of 4-bromoanisole and morpholine under Buchwald conditions?",
    [
        rxn(
            "buchwald_hartwig",
            [C("4-bromoanisole", "COc1ccc(Br)cc1"), C("morpholine", "C1COCCN1")],
            "COc1ccc(N2CCOCC2)cc1",
            ["Br"],
        ),
        {"intent": "property", "property": "molecular_weight", "compounds": [], "depends_on": 0},
    ],
    "multi",
    TEXTBOOK,
)
K(
    "I'm comparing two statins. What are the logP values of atorvastatin and rosuvastatin, and which is more hydrophilic? "
    "Also any literature on hydrophilic vs lipophilic statins and myopathy?",
    [
        prop("logp", D("atorvastatin")),
        prop("logp", D("rosuvastatin")),
        lit("hydrophilic vs lipophilic statins and myopathy"),
    ],
    "multi chatty",
    FORUM,
)
K(
    "Number of aromatic rings in imatinib and nilotinib? integers please",
    [st("aromatic_rings", D("imatinib")), st("aromatic_rings", D("nilotinib"))],
    "multi format_instruction",
    CLEANMOL,
)
K(
    "What does DrugCentral list as the indications for colchicine, and what's its NP superclass?",
    [rec("indications", D("colchicine")), npc("superclass", D("colchicine"))],
    "multi",
    MOLQA,
)
K(
    "Give me the QED of Nc1ccc(cc1)S(N)(=O)=O and check it for structural alerts. no explanation",
    [prop("qed", S("Nc1ccc(cc1)S(N)(=O)=O")), tox(S("Nc1ccc(cc1)S(N)(=O)=O"))],
    "multi smiles_inline format_instruction",
    CHEMBENCH,
)
K(
    "Is venetoclax rule-of-five compliant, how many violations, and what is it approved for?",
    [
        prop("lipinski", D("venetoclax")),
        prop("lipinski_violations", D("venetoclax")),
        rec("indications", D("venetoclax")),
    ],
    "multi",
    FORUM,
)
K(
    "Predict all ADMET endpoints for propranolol and also find similar approved drugs.",
    [adm("solubility lipophilicity bbb clintox", D("propranolol")), sim("approved_drugs", D("propranolol"))],
    "multi",
    FORUM,
)
K(
    "what's known about ketamine for depression, and what is its molecular formula",
    [lit("ketamine for depression", D("ketamine")), prop("formula", D("ketamine"))],
    "multi",
    FORUM,
)
K(
    "Hello. Which natural products look like resveratrol?",
    [conv("greeting"), sim("natural_products", C("resveratrol", "Oc1ccc(/C=C/c2cc(O)cc(O)c2)cc1"))],
    "multi",
    CHAT,
)
K(
    "Calculate MW, logP, HBD, HBA for CC(C)NCC(O)COc1cccc2ccccc12 - and say whether it obeys Lipinski.",
    [
        prop("molecular_weight", S("CC(C)NCC(O)COc1cccc2ccccc12")),
        prop("logp", S("CC(C)NCC(O)COc1cccc2ccccc12")),
        prop("hbd", S("CC(C)NCC(O)COc1cccc2ccccc12")),
        prop("hba", S("CC(C)NCC(O)COc1cccc2ccccc12")),
        prop("lipinski", S("CC(C)NCC(O)COc1cccc2ccccc12")),
    ],
    "multi smiles_inline",
    CHEMBENCH,
)
K(
    "Evidence about adagrasib vs sotorasib efficacy, and their targets",
    [
        lit("adagrasib vs sotorasib efficacy", U("adagrasib"), U("sotorasib")),
        rec("targets", U("adagrasib")),
        rec("targets", U("sotorasib")),
    ],
    "multi unresolved",
    FORUM,
)
K(
    "aromatic rings in c1ccc2ncccc2c1, and is it natural-product-like?",
    [st("aromatic_rings", S("c1ccc2ncccc2c1")), npc("np_likeness", S("c1ccc2ncccc2c1"))],
    "multi smiles_inline terse",
    CHEMCOT,
)
K(
    "Trian a lipophilicity model and then predict for fluoxetine",
    [train("lipophilicity"), adm("lipophilicity", D("fluoxetine"))],
    "multi typo",
    MOLNET,
)
K(
    "what are the targets and DrugBank ID of amlodipne?",
    [rec("targets", D("amlodipne", "amlodipine")), rec("identifiers", D("amlodipne", "amlodipine"))],
    "multi typo",
    SEARCH,
)
K(
    "Suzuki of 4-bromotoluene with phenylboronic acid - product, and how many rings does it have?",
    [
        rxn(
            "suzuki",
            [C("4-bromotoluene", "Cc1ccc(Br)cc1"), C("phenylboronic acid", "OB(O)c1ccccc1")],
            "Cc1ccc(-c2ccccc2)cc1",
            ["OB(O)Br"],
        ),
        {"intent": "structure", "question": "rings", "compounds": [], "depends_on": 0},
    ],
    "multi",
    TEXTBOOK,
)

# ================================================================= follow-ups (history = earlier user turns)
K("and for naproxen?", prop("logp", D("naproxen")), "followup terse", CHAT, history=["What is the logP of ibuprofen?"])
K(
    "what about theophylline",
    st("rings", D("theophylline")),
    "followup terse",
    CHAT,
    history=["How many rings does caffeine have?"],
)
K(
    "and its indications?",
    rec("indications", D("imatinib")),
    "followup terse",
    CHAT,
    history=["What are the targets of imatinib?"],
)
K(
    "now only natural products",
    sim("natural_products", D("celecoxib")),
    "followup terse",
    CHAT,
    history=["Find compounds similar to celecoxib"],
)
K(
    "same for CCCCCCO",
    adm("solubility", S("CCCCCCO")),
    "followup terse smiles_inline",
    CHAT,
    history=["Predict the solubility of CCO"],
)
K(
    "ok now vardenafil",
    prop("qed", D("vardenafil")),
    "followup terse",
    CHAT,
    history=["What's the QED of sildenafil?", "And tadalafil?"],
)
K(
    "now do the same for clinical toxicity",
    train("clintox"),
    "followup",
    CHAT,
    history=["Train a model for BBB penetration"],
)
K(
    "What about dasatinib?",
    lit("dasatinib resistance", D("dasatinib")),
    "followup",
    CHAT,
    history=["What does the literature say about imatinib resistance?"],
)
K(
    "why not? how many violations does it have",
    prop("lipinski_violations", D("paclitaxel")),
    "followup chatty",
    CHAT,
    history=["Is paclitaxel Lipinski compliant?"],
)
K("and its TPSA", prop("tpsa", ASPIRIN), "followup terse", CHAT, history=["logP of aspirin"])
K(
    "now with aniline instead of benzylamine",
    rxn("amide_coupling", [C("acetic acid", "CC(=O)O"), C("aniline", "Nc1ccccc1")], "CC(=O)Nc1ccccc1", ["O"]),
    "followup",
    CHAT,
    history=["Predict the product of acetic acid and benzylamine (amide coupling)"],
)
K(
    "and in aniline?",
    tox(C("aniline", "Nc1ccccc1")),
    "followup terse",
    CHAT,
    history=["Any structural alerts in nitrobenzene?"],
)
K("thanks!", conv("thanks"), "followup terse", CHAT, history=["What's the molecular formula of caffeine?"])
K(
    "and its superclass?",
    npc("superclass", C("quercetin", "O=c1c(O)c(-c2ccc(O)c(O)c2)oc2cc(O)cc(O)c12")),
    "followup terse",
    CHAT,
    history=["What pathway does quercetin come from?"],
)
K(
    "now count its carbons",
    st("count_element", IBU, element="C"),
    "followup terse",
    CHAT,
    history=["What's the SMILES of ibuprofen?"],
)
K(
    "and the same for sotorasib",
    prop("molecular_weight", U("sotorasib")),
    "followup unresolved",
    CHAT,
    history=["What is the MW of osimertinib?"],
)
K(
    "and in nilotinib? answer as integer",
    st("aromatic_rings", D("nilotinib")),
    "followup format_instruction",
    CHAT,
    history=["How many aromatic rings in imatinib?"],
)
K("what can you do?", conv("capabilities"), "followup terse", CHAT, history=["Hi"])
K(
    "what does the literature say about it for pulmonary hypertension?",
    lit("sildenafil for pulmonary hypertension", D("sildenafil")),
    "followup",
    CHAT,
    history=["What are the targets of sildenafil?"],
)
K(
    "and for CCN(CC)CC?",
    adm("bbb", S("CCN(CC)CC")),
    "followup terse smiles_inline",
    CHAT,
    history=["Does CN(C)C cross the blood-brain barrier?"],
)
K(
    "how about the SA score of that one",
    prop("sa_score", D("osimertinib")),
    "followup chatty",
    CHAT,
    history=["QED of osimertinib?"],
)
K(
    "and what's the mw of the product",
    {"intent": "property", "property": "molecular_weight", "compounds": [C("the product", "O=C(NC1CCCCC1)c1ccccc1")]},
    "followup terse",
    CHAT,
    history=["What is the amide formed from benzoic acid and cyclohexylamine? (it's O=C(NC1CCCCC1)c1ccccc1 right?)"],
)


# ================================================================= SAR designs (Free-Wilson: value = base + sum of substituent terms)
# `subs` maps position -> {label: (fragment SMILES, contribution)}. `[H]` fragments vanish on canonicalisation.
SAR_DESIGNS = {
    "A": {
        "template": "{R1}c1ccc(cc1)C(=O)NC{R2}",
        "base": 5.0,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "F": ("F", 0.4), "Cl": ("Cl", 0.7), "Me": ("C", -0.2), "OMe": ("CO", 0.1)},
            "R2": {"H": ("[H]", 0.0), "Me": ("C", 0.3), "Et": ("CC", 0.5)},
        },
        "series": [
            ("H", "H"),
            ("F", "H"),
            ("Cl", "H"),
            ("Me", "H"),
            ("OMe", "H"),
            ("H", "Me"),
            ("H", "Et"),
            ("F", "Et"),
        ],
        "query": ("Cl", "Et"),
        "value": "pIC50",
        "fmt": "csv",
    },
    "B": {
        "template": "{R1}c1cc2ncnc(N{R2})c2cc1{R3}",
        "base": 6.0,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "OMe": ("CO", 0.5), "F": ("F", 0.2)},
            "R2": {"Ph": ("c3ccccc3", 0.0), "4F": ("c3ccc(F)cc3", 0.3), "3Cl": ("c3cccc(Cl)c3", 0.8)},
            "R3": {"H": ("[H]", 0.0), "OMe": ("OC", 0.4)},
        },
        "series": [
            ("H", "Ph", "H"),
            ("OMe", "Ph", "H"),
            ("F", "Ph", "H"),
            ("H", "4F", "H"),
            ("H", "3Cl", "H"),
            ("H", "Ph", "OMe"),
            ("OMe", "4F", "OMe"),
        ],
        "query": ("OMe", "3Cl", "OMe"),
        "value": "pKi",
        "fmt": "csv",
    },
    "C": {
        "template": "O=C(c1ccc({R1})cc1)N1CCN({R2})CC1",
        "base": 5.5,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "F": ("F", 0.2), "Cl": ("Cl", 0.5), "CF3": ("C(F)(F)F", 0.9)},
            "R2": {"Me": ("C", 0.0), "Et": ("CC", 0.1), "Ac": ("C(C)=O", -0.6), "Ph": ("c2ccccc2", 0.7)},
        },
        "series": [
            ("H", "Me"),
            ("F", "Me"),
            ("Cl", "Me"),
            ("CF3", "Me"),
            ("H", "Et"),
            ("H", "Ac"),
            ("H", "Ph"),
            ("Cl", "Ph"),
        ],
        "query": ("CF3", "Ac"),
        "value": "pIC50",
        "fmt": "markdown",
    },
    "D": {
        "template": "{R1}c1ccc(cc1)S(=O)(=O)N{R2}",
        "base": 4.8,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "Me": ("C", 0.3), "NH2": ("N", -0.4), "Br": ("Br", 0.6)},
            "R2": {"H": ("[H]", 0.0), "Me": ("C", 0.2), "Py": ("c2ccccn2", 1.1)},
        },
        "series": [("H", "H"), ("Me", "H"), ("NH2", "H"), ("Br", "H"), ("H", "Me"), ("H", "Py"), ("Me", "Py")],
        "query": ("Br", "Py"),
        "value": "pIC50",
        "fmt": "tsv",
    },
    "E": {
        "template": "{R1}c1ccc2[nH]cc(CCN{R2})c2c1",
        "base": 6.2,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "OMe": ("CO", 0.6), "F": ("F", 0.3), "OH": ("O", 0.8)},
            "R2": {"H": ("[H]", 0.0), "Me": ("C", 0.2), "iPr": ("C(C)C", -0.3)},
        },
        "series": [("H", "H"), ("OMe", "H"), ("F", "H"), ("OH", "H"), ("H", "Me"), ("H", "iPr"), ("OMe", "Me")],
        "query": ("OH", "iPr"),
        "value": "pIC50",
        "fmt": "inline",
    },
    "F": {
        "template": "Nc1nc({R1})c({R2})s1",
        "base": 5.1,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "Me": ("C", 0.2), "Ph": ("c2ccccc2", 1.0), "tBu": ("C(C)(C)C", 0.5)},
            "R2": {"H": ("[H]", 0.0), "Br": ("Br", 0.3), "Me": ("C", 0.1)},
        },
        "series": [("H", "H"), ("Me", "H"), ("Ph", "H"), ("tBu", "H"), ("H", "Br"), ("H", "Me"), ("Me", "Br")],
        "query": ("Ph", "Br"),
        "value": "pIC50",
        "fmt": "list",
    },
    "G": {
        "template": "{R1}c1ccc(OC{R2})cc1",
        "base": 4.5,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "CN": ("N#C", 0.7), "NO2": ("O=[N+]([O-])", 0.4), "Cl": ("Cl", 0.3)},
            "R2": {"H": ("[H]", 0.0), "Ph": ("c2ccccc2", 0.9), "cPr": ("C2CC2", 0.4)},
        },
        "series": [("H", "H"), ("CN", "H"), ("NO2", "H"), ("Cl", "H"), ("H", "Ph"), ("H", "cPr"), ("Cl", "cPr")],
        "query": ("CN", "Ph"),
        "value": "pIC50",
        "fmt": "csv",
    },
    "H": {
        "template": "O=C(N{R2})c1ccc({R1})nc1",
        "base": 5.6,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "Cl": ("Cl", 0.5), "NMe2": ("N(C)C", 0.2), "Morph": ("N2CCOCC2", 0.6)},
            "R2": {"Bn": ("Cc2ccccc2", 0.0), "cHex": ("C2CCCCC2", -0.2), "Ph": ("c2ccccc2", 0.4)},
        },
        "series": [
            ("H", "Bn"),
            ("Cl", "Bn"),
            ("NMe2", "Bn"),
            ("Morph", "Bn"),
            ("H", "cHex"),
            ("H", "Ph"),
            ("Cl", "Ph"),
        ],
        "query": ("Morph", "cHex"),
        "value": "pEC50",
        "fmt": "markdown",
    },
    "I": {
        "template": "{R1}c1ccc2[nH]c({R2})nc2c1",
        "base": 5.3,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "F": ("F", 0.1), "Me": ("C", 0.3), "CF3": ("FC(F)(F)", 0.6)},
            "R2": {"H": ("[H]", 0.0), "Me": ("C", 0.2), "Ph": ("c3ccccc3", 0.9), "Pyr": ("c3ccncc3", 1.2)},
        },
        "series": [
            ("H", "H"),
            ("F", "H"),
            ("Me", "H"),
            ("CF3", "H"),
            ("H", "Me"),
            ("H", "Ph"),
            ("H", "Pyr"),
            ("Me", "Ph"),
        ],
        "query": ("CF3", "Pyr"),
        "value": "pIC50",
        "fmt": "tsv",
    },
    "J": {
        "template": "{R1}c1cc({R3})cc(c1)C(=O)N{R2}",
        "base": 5.0,
        "subs": {
            "R1": {"H": ("[H]", 0.0), "F": ("F", 0.3), "OMe": ("CO", 0.5)},
            "R2": {"Me": ("C", 0.0), "cPr": ("C2CC2", 0.4)},
            "R3": {"H": ("[H]", 0.0), "Cl": ("Cl", 0.6), "CN": ("C#N", 0.2)},
        },
        "series": [
            ("H", "Me", "H"),
            ("F", "Me", "H"),
            ("OMe", "Me", "H"),
            ("H", "cPr", "H"),
            ("H", "Me", "Cl"),
            ("H", "Me", "CN"),
            ("F", "cPr", "Cl"),
        ],
        "query": ("OMe", "cPr", "Cl"),
        "value": "pIC50",
        "fmt": "inline",
    },
    # Noisy / non-estimable series: no single defensible answer (expected answer null).
    "N1": {  # strong non-additivity (R1 x R2 interaction)
        "template": "{R1}c1ccc(cc1)C(=O)NC{R2}",
        "subs": {
            "R1": {"H": ("[H]", None), "F": ("F", None), "Cl": ("Cl", None)},
            "R2": {"H": ("[H]", None), "Me": ("C", None), "Et": ("CC", None)},
        },
        "series": [
            (("H", "H"), 5.0),
            (("F", "H"), 6.3),
            (("H", "Me"), 4.1),
            (("F", "Me"), 7.9),
            (("Cl", "H"), 5.2),
            (("H", "Et"), 6.6),
        ],
        "query": ("Cl", "Et"),
        "value": "pIC50",
        "fmt": "csv",
    },
    "N2": {  # query carries a substituent never seen in the series
        "template": "{R1}c1ccc(OC{R2})cc1",
        "subs": {
            "R1": {"H": ("[H]", None), "Cl": ("Cl", None), "CN": ("N#C", None), "SMe": ("CS", None)},
            "R2": {"H": ("[H]", None), "Ph": ("c2ccccc2", None)},
        },
        "series": [(("H", "H"), 4.5), (("Cl", "H"), 4.8), (("CN", "H"), 5.2), (("H", "Ph"), 5.4), (("Cl", "Ph"), 5.7)],
        "query": ("SMe", "Ph"),
        "value": "pIC50",
        "fmt": "list",
    },
    "N3": {  # duplicated measurement disagrees by > 1 log unit
        "template": "Nc1nc({R1})c({R2})s1",
        "subs": {
            "R1": {"H": ("[H]", None), "Me": ("C", None), "Ph": ("c2ccccc2", None)},
            "R2": {"H": ("[H]", None), "Br": ("Br", None)},
        },
        "series": [
            (("H", "H"), 5.1),
            (("Me", "H"), 5.3),
            (("Ph", "H"), 6.1),
            (("H", "Br"), 5.4),
            (("H", "Br"), 6.9),
            (("Me", "Br"), 4.2),
        ],
        "query": ("Ph", "Br"),
        "value": "pIC50",
        "fmt": "markdown",
    },
    "N4": {  # activity cliff: one substituent flips the trend
        "template": "{R1}c1ccc2[nH]c({R2})nc2c1",
        "subs": {
            "R1": {"H": ("[H]", None), "F": ("F", None), "CF3": ("FC(F)(F)", None)},
            "R2": {"H": ("[H]", None), "Ph": ("c3ccccc3", None), "Pyr": ("c3ccncc3", None)},
        },
        "series": [
            (("H", "H"), 5.3),
            (("F", "H"), 5.4),
            (("CF3", "H"), 8.1),
            (("H", "Ph"), 6.2),
            (("F", "Ph"), 4.0),
            (("H", "Pyr"), 6.5),
        ],
        "query": ("CF3", "Pyr"),
        "value": "pKi",
        "fmt": "tsv",
    },
    "N5": {  # only two data points for a three-position query
        "template": "{R1}c1cc({R3})cc(c1)C(=O)N{R2}",
        "subs": {
            "R1": {"H": ("[H]", None), "F": ("F", None)},
            "R2": {"Me": ("C", None), "cPr": ("C2CC2", None)},
            "R3": {"H": ("[H]", None), "Cl": ("Cl", None)},
        },
        "series": [(("H", "Me", "H"), 5.0), (("F", "cPr", "Cl"), 6.4)],
        "query": ("F", "Me", "Cl"),
        "value": "pIC50",
        "fmt": "csv",
    },
}
