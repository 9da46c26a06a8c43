"""The DPV export, parsed as RDF, states what the document states.

For every example profile and language the privacy policy is built as JSON and as DPV
JSON-LD; the JSON-LD is parsed with rdflib and compared with the document's text: the
controller, the DPO, each processor, each third-country transfer with its safeguards, the
legal bases, and the data the newsletter clause names. Every DPV term used must be one that
exists in DPV 2.1 (checked against its published term lists).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import PROFILES, TEST_PROFILES
from rdflib import RDF, Graph, Literal, Namespace, URIRef

from generator import catalog, i18n
from generator.build import load_profile, render_document

CASES = sorted(PROFILES.glob("*.yaml")) + sorted(TEST_PROFILES.glob("*.yaml"))
DPV = Namespace("https://w3id.org/dpv#")
PD = Namespace("https://w3id.org/dpv/pd#")
GDPR = Namespace("https://w3id.org/dpv/legal/eu/gdpr#")
LOC = Namespace("https://w3id.org/dpv/loc#")
DCT = Namespace("http://purl.org/dc/terms/")
BASE = "https://www.example.org/datenschutz/privacy-policy.dpv.jsonld"
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

# Terms checked in the DPV 2.1 sources (dpv/modules/*.csv, pd/modules/extended.csv,
# legal/eu/gdpr/modules/legal_basis*.ttl and data_transfers.ttl). Anything else is a typo.
KNOWN_DPV = {
    # classes
    "PersonalDataProcess", "PrivacyNotice", "DataController", "DataProcessor", "DataProtectionOfficer",
    "Recipient", "DataImporter", "CrossBorderTransfer",
    # properties
    "hasProcess", "hasNotice", "hasDataController", "hasDataProcessor", "hasDataProtectionOfficer",
    "hasDataImporter", "hasPurpose", "hasPersonalData", "hasLegalBasis", "hasProcessing",
    "hasThirdCountry", "hasCountry", "hasName", "hasAddress", "hasContact", "hasOrganisationalMeasure",
    # purposes
    "TechnicalServiceProvision", "EnforceSecurity", "CommunicationForCustomerCare", "DirectMarketing",
    "RecordManagement", "DisputeManagement", "ServiceUsageAnalytics", "ImproveExistingProductsAndServices",
    "LegalCompliance", "CustomerOrderManagement", "DeliveryOfGoods", "AccountManagement",
    "PaymentManagement", "IdentityAuthentication", "CommunicationManagement",
}  # fmt: skip
KNOWN_PD = {
    "EmailAddress", "Name", "PhysicalAddress", "TelephoneNumber", "IPAddress", "BrowsingBehavior",
    "Communication", "ServiceConsumptionBehavior", "LinkClicked", "Purchase",
}  # fmt: skip
KNOWN_GDPR = {
    "A6-1-a", "A6-1-b", "A6-1-c", "A6-1-d", "A6-1-e", "A6-1-f", "A45-3", "A46-2-b", "A46-2-c",
    "SCCByCommission", "BindingCorporateRules",
}  # fmt: skip
TRANSFER_BASIS = {GDPR["A45-3"]: {"dpf", "adequacy"}, GDPR["A46-2-c"]: {"scc"}, GDPR["A46-2-b"]: {"bcr"}}
CITED = {"en": re.compile(r"Art\. 6\(1\)\(([a-f])\)"), "de": re.compile(r"Art\. 6 Abs\. 1 lit\. ([a-f])")}


def cases() -> list:
    return [
        pytest.param(profile, lang, id=f"{profile.stem}-{lang}")
        for profile in CASES
        for lang in load_profile(profile).data["languages"]
    ]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    from generator.cli import main

    out = tmp_path_factory.mktemp("dpv")
    for profile in CASES:
        result = CliRunner(env={"SOURCE_DATE_EPOCH": "1796083200"}).invoke(
            main, ["build", str(profile), "-o", str(out), "--format", "json,dpv"]
        )
        assert result.exit_code == 0, result.output
    return out


def load(outputs: Path, profile: Path, lang: str) -> tuple[Graph, dict]:
    pid = load_profile(profile).data["id"]
    base = outputs / pid / lang
    graph = Graph()
    graph.parse(base / "privacy-policy.dpv.jsonld", format="json-ld", publicID=BASE)
    doc = json.loads((base / "privacy-policy.json").read_text(encoding="utf-8"))
    return graph, doc


def clause_text(doc: dict, clause_id: str) -> str | None:
    for section in doc["sections"]:
        for clause in section["clauses"]:
            if clause["id"] == clause_id:
                return clause["text"]
    return None


def one(graph: Graph, subject=None, predicate=None, obj=None):
    found = list(graph.triples((subject, predicate, obj)))
    assert len(found) == 1, found
    return found[0]


def names(graph: Graph, cls) -> dict[URIRef, str]:
    return {s: str(graph.value(s, DPV.hasName)) for s in graph.subjects(RDF.type, cls)}


@pytest.mark.parametrize(("profile", "lang"), cases())
def test_only_existing_dpv_terms(outputs, profile, lang):
    graph, _ = load(outputs, profile, lang)
    for term in {t for triple in graph for t in triple if isinstance(t, URIRef)}:
        for ns, known in ((DPV, KNOWN_DPV), (PD, KNOWN_PD), (GDPR, KNOWN_GDPR)):
            if str(term).startswith(str(ns)):
                assert str(term)[len(str(ns)) :] in known, f"unknown term {term}"
        if str(term).startswith(str(LOC)):
            assert re.fullmatch(r"[A-Z]{2}", str(term)[len(str(LOC)) :]), term
        if not str(term).startswith(
            ("https://w3id.org/dpv", "http://purl.org/dc/terms/", "http://www.w3.org/")
        ):
            assert str(term).startswith(BASE + "#"), f"node ids are relative to the file: {term}"


@pytest.mark.parametrize(("profile", "lang"), cases())
def test_notice_and_controller(outputs, profile, lang):
    graph, doc = load(outputs, profile, lang)
    notice, _, _ = one(graph, None, RDF.type, DPV.PrivacyNotice)
    assert graph.value(notice, DCT.title) == Literal(doc["title"], lang=lang)
    assert str(graph.value(notice, DCT.modified)) == doc["effective_date"]
    controllers = names(graph, DPV.DataController)
    assert list(controllers.values()) == [doc["controller"]]
    (controller,) = controllers
    text = clause_text(doc, "general.controller")
    assert str(graph.value(controller, DPV.hasAddress)) in text
    assert str(graph.value(controller, DPV.hasContact)) in text
    # every process belongs to this controller and is listed by the notice
    processes = set(graph.subjects(RDF.type, DPV.PersonalDataProcess))
    assert processes and all((p, DPV.hasDataController, controller) in graph for p in processes)
    dpo_text = clause_text(doc, "general.dpo")
    dpos = names(graph, DPV.DataProtectionOfficer)
    if dpo_text is None:
        assert not dpos
    else:
        ((dpo, name),) = dpos.items()
        assert (controller, DPV.hasDataProtectionOfficer, dpo) in graph
        assert name in dpo_text and str(graph.value(dpo, DPV.hasContact)) in dpo_text


@pytest.mark.parametrize(("profile", "lang"), cases())
def test_each_processor_is_one_the_document_names(outputs, profile, lang):
    graph, doc = load(outputs, profile, lang)
    processors = names(graph, DPV.DataProcessor)
    text = clause_text(doc, "general.recipients-processors")
    if text is None:
        assert not processors
        return
    listed = [line for line in text.splitlines() if ": " in line and not line.rstrip().endswith(":")]
    listed = [line for line in listed if any(line.startswith(n) for n in processors.values())]
    assert len(listed) == len(processors) == len(set(processors.values()))
    for node, name in processors.items():
        line = next(x for x in listed if x.startswith(name))
        brand = graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        if brand is not None:
            assert f"({brand})" in line  # "Mailjet SAS (Mailjet): ..."
        # the processor is used by at least one activity
        assert any(graph.subjects(DPV.hasDataProcessor, node))


@pytest.mark.parametrize(("profile", "lang"), cases())
def test_each_transfer_with_its_safeguards(outputs, profile, lang):
    graph, doc = load(outputs, profile, lang)
    transfers = list(graph.subjects(DPV.hasProcessing, DPV.CrossBorderTransfer))
    words = catalog.labels(lang)["transfer_basis"]
    bullets = []
    text = clause_text(doc, "general.transfers")
    if text is not None:
        bullets = [line for line in text.splitlines() if line.count(";") >= 1 and ":" in line.split(";")[0]]
    hosting = clause_text(doc, "general.transfers-hosting")
    assert len(transfers) == len(bullets) + (1 if hosting else 0)
    for t in transfers:
        importer = graph.value(t, DPV.hasDataImporter)
        name = str(graph.value(importer, DPV.hasName))
        country = graph.value(t, DPV.hasThirdCountry)
        assert graph.value(importer, DPV.hasCountry) == country
        country_name = i18n.country_name(str(country).rsplit("#", 1)[1], lang)
        bases = set(graph.objects(t, DPV.hasLegalBasis))
        line = next((b for b in bullets if name and name in b), None)
        if line is None:  # the hoster outside the EEA
            assert hosting and name in hosting and country_name in hosting
            stated = hosting
        else:
            assert country_name in line
            stated = line
        for basis in bases:
            assert any(words[b] in stated for b in TRANSFER_BASIS[basis]), (basis, stated)
        # a basis the document names for this transfer is in the graph
        for ids in TRANSFER_BASIS.values():
            if any(words[b] in stated for b in ids):
                assert any(TRANSFER_BASIS.get(b) == ids for b in bases), (ids, stated)
        measures = set(graph.objects(t, DPV.hasOrganisationalMeasure))
        assert (GDPR["A46-2-c"] in bases) == (GDPR.SCCByCommission in measures)
        assert (GDPR["A46-2-b"] in bases) == (GDPR.BindingCorporateRules in measures)
        # the transfer hangs off the activities whose processor makes it
        assert any(graph.subjects(DPV.hasProcess, t))


@pytest.mark.parametrize(("profile", "lang"), cases())
def test_legal_bases_are_the_ones_the_document_cites(outputs, profile, lang):
    graph, doc = load(outputs, profile, lang)
    stated = {
        str(b).rsplit("A6-1-", 1)[1] for b in graph.objects(None, DPV.hasLegalBasis) if "A6-1-" in str(b)
    }
    cited = set()
    for section in doc["sections"]:
        for clause in section["clauses"]:
            cited |= set(CITED[lang].findall(clause["text"]))
    assert stated == cited
    # per activity: exactly the bases the clauses describing it cite
    summary = render_document(load_profile(profile), "privacy-policy", lang).processing
    for activity in summary.activities:
        node = URIRef(f"{BASE}#activity-{activity.key}")
        bases = {str(b).rsplit("A6-1-", 1)[1] for b in graph.objects(node, DPV.hasLegalBasis)}
        assert bases == set(activity.legal_bases)
        texts = " ".join(clause_text(doc, c) or "" for c in activity.clauses)
        assert bases == set(CITED[lang].findall(texts)), activity.key


@pytest.mark.parametrize(("profile", "lang"), cases())
def test_newsletter_data_are_the_ones_the_document_names(outputs, profile, lang):
    graph, doc = load(outputs, profile, lang)
    text = clause_text(doc, "email.newsletter.consent")
    node = URIRef(f"{BASE}#activity-newsletter")
    if text is None:
        assert (node, None, None) not in graph
        return
    labels = catalog.labels(lang)["category"]
    mapping = {
        "email": PD.EmailAddress,
        "name": PD.Name,
        "postal_address": PD.PhysicalAddress,
        "phone": PD.TelephoneNumber,
    }
    data = set(graph.objects(node, DPV.hasPersonalData))
    named = text.split(":", 1)[1].split(".")[0]  # "we process the following data: ...."
    for field, term in mapping.items():
        assert (labels[field] in named) == (term in data), (field, named)
    assert (node, DPV.hasPurpose, DPV.DirectMarketing) in graph
    assert (node, DPV.hasLegalBasis, GDPR["A6-1-a"]) in graph


def test_relative_ids_resolve_against_where_the_file_is_published(outputs):
    path = outputs / "beispiel-shop" / "en" / "privacy-policy.dpv.jsonld"
    a, b = Graph(), Graph()
    a.parse(path, format="json-ld", publicID="https://a.example/x/privacy-policy.dpv.jsonld")
    b.parse(path, format="json-ld", publicID="https://b.example/y/z.jsonld")
    assert len(a) == len(b) > 50
    assert (
        URIRef("https://a.example/x/privacy-policy.dpv.jsonld#controller"),
        RDF.type,
        DPV.DataController,
    ) in a


def test_only_the_privacy_policy_gets_a_dpv_file(outputs):
    files = sorted(p.name for p in outputs.rglob("*.dpv.jsonld"))
    assert files and set(files) == {"privacy-policy.dpv.jsonld"}
