"""The sources a document may cite, and Vancouver numbering by first citation.

Every entry comes from the project's fact sheet (clinical-facts.md), with the
parts marked UNVERIFIED left out. Templates cite by key (``cite("boster2016")``);
:class:`Citations` numbers the sources in the order they are first cited, so
the reference list at the end holds exactly the sources the text uses, in
Vancouver order, however the wording is rearranged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Reference:
    key: str
    text: str  # Vancouver style, without the URLs
    urls: tuple[str, ...] = ()


def _refs(*items: Reference) -> dict[str, Reference]:
    return {item.key: item for item in items}


# Numbers in comments are the fact sheet's, for checking a statement against
# it. Section 0 of the sheet governs: the labels are cited from DailyMed, the
# label of record, never through a mirror, a payer's sheet or a summary site.
REFERENCES: dict[str, Reference] = _refs(
    Reference(  # [1], section 0.1
        "lioresal-label",
        "Amneal Pharmaceuticals LLC. Lioresal Intrathecal (baclofen injection) [prescribing"
        " information]. DailyMed set ID 6f3bdcc0-ffc8-4911-8c35-958c8103a2c5. Bethesda (MD):"
        " National Library of Medicine.",
        (
            "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=6f3bdcc0-ffc8-4911-8c35-958c8103a2c5",
        ),
    ),
    Reference(  # [2], section 0.1
        "gablofen-label",
        "Piramal Critical Care Inc. Gablofen (baclofen injection), for intrathecal use"
        " [prescribing information]. NDA 022462. DailyMed set ID"
        " 00d3e846-dd92-448d-9ab8-6a07be823cc1, version 39; updated 2025 Mar 28. Bethesda"
        " (MD): National Library of Medicine.",
        (
            "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid=00d3e846-dd92-448d-9ab8-6a07be823cc1",
        ),
    ),
    Reference(  # [8], section 0.2
        "boster2016",
        "Boster AL, Bennett SE, Bilsky GS, Gudesblatt M, Koelbel SF, McManus M, Saulino M."
        " Best practices for intrathecal baclofen therapy: screening test. Neuromodulation."
        " 2016;19(6):616-22. doi:10.1111/ner.12437",
    ),
    Reference(  # [11], section 0.2
        "dressler2015",
        "Dressler D, Berweck S, Chatzikalfas A, Ebke M, Frank B, Hesse S, et al. Intrathecal"
        " Baclofen therapy in Germany: Proceedings of the IAB-Interdisciplinary Working Group"
        " for Movement Disorders Consensus Meeting. J Neural Transm (Vienna)."
        " 2015 Nov;122(11):1573-9. doi:10.1007/s00702-015-1425-1. PMID: 26179478",
    ),
    Reference(  # [12]
        "nice-cg145",
        "National Institute for Health and Care Excellence. Spasticity in under 19s:"
        " management. Clinical guideline CG145. London: NICE; 2012 Jul 25.",
        ("https://www.nice.org.uk/guidance/cg145",),
    ),
    Reference(  # [15]
        "bristol-itb",
        "University Hospitals Bristol NHS Foundation Trust. ITB test dose (Bristol Royal"
        " Hospital for Children, paediatric neurosurgery) [Internet].",
        (
            "https://uhbristol.nhs.uk/patients-and-visitors/your-hospitals/bristol-royal-hospital-for-children/what-we-do/paediatric-neurosurgery/intrathecal-baclofen-therapy/itb-test-dose",
        ),
    ),
    Reference(  # [16]
        "uclh",
        "University College London Hospitals NHS Foundation Trust, Spasticity Team, National"
        " Hospital for Neurology and Neurosurgery. Intrathecal baclofen (patient information);"
        " Spasticity management service page [Internet].",
        (
            "https://uclh.nhs.uk/patients-and-visitors/patient-information-pages/intrathecal-baclofen",
            "https://www.uclh.nhs.uk/OurServices/ServiceA-Z/Neuro/SPAS/Pages/Home.aspx",
        ),
    ),
    Reference(  # [19]
        "pmr2015-trials",
        "Clinical experience with continuous intrathecal baclofen trials prior to pump"
        " implantation. PM R. 2015;7(10):1052-8. PMID: 25828204",
    ),
    Reference(  # [20], section 0.2
        "apmr2019-trials",
        "Intrathecal baclofen trial before device implantation: 12-year experience with"
        " continuous administration. Arch Phys Med Rehabil. 2019 May;100(5):837-43."
        " doi:10.1016/j.apmr.2018.09.124. PMID: 31030729",
    ),
    Reference(  # [22]
        "bleyenheuft2007",
        "Bleyenheuft C, Filipetti P, Caldas C, Lejeune T. Experience with external pump trial"
        " prior to implantation for intrathecal baclofen in ambulatory patients with spastic"
        " cerebral palsy. Neurophysiol Clin. 2007;37(1):23-8. doi:10.1016/j.neucli.2007.01.004",
    ),
    Reference(  # [23]
        "shin2015",
        "Shin YK, Kim AR, Chang JW, Chang WS, Lee DS, Cho SR. Dose-dependent changes in gait"
        " pattern after intrathecal baclofen bolus injection in adult ambulatory cerebral"
        " palsy: a case report. Brain Neurorehabil. 2015;8(2):104-8."
        " doi:10.12786/bn.2015.8.2.104",
    ),
    Reference(  # [24]
        "yoon2017",
        "Yoon YK, Lee KC, Cho HE, Chae M, Chang JW, Chang WS, Cho SR. Outcomes of intrathecal"
        " baclofen therapy in patients with cerebral palsy and acquired brain injury."
        " Medicine (Baltimore). 2017;96(34):e7472. doi:10.1097/MD.0000000000007472",
    ),
    Reference(  # [25]
        "ko2000",
        "Ko CH, Tse PWT, Wong GMS, Lui JCZ, Leung M, Man J. Intrathecal baclofen in cerebral"
        " palsied children with severe spasticity: a pilot study and review of the"
        " literature. HK J Paediatr (new series). 2000;5:125-31.",
    ),
    Reference(  # [26]
        "heetla2016",
        "Heetla HW, Proost JH, Molmans BH, Staal MJ, van Laar T. A pharmacokinetic-"
        "pharmacodynamic model for intrathecal baclofen in patients with severe spasticity."
        " Br J Clin Pharmacol. 2016;81(1):101-12. doi:10.1111/bcp.12781",
    ),
    Reference(  # [29]
        "lambrecq2007",
        "Lambrecq V, Muller F, Joseph PA, Cuny E, Mazaux JM, Barat M. Intérêts et limites du"
        " baclofène intrathécal dans les paraparésies spastiques héréditaires [Benefits and"
        " limits of intrathecal baclofen in hereditary spastic paraparesis]. Ann Readapt Med"
        " Phys. 2007;50:577-81. doi:10.1016/j.annrmp.2007.02.009",
    ),
    Reference(  # [30], section 0.2
        "heetla2015",
        "Heetla HW, Halbertsma JPK, Dekker R, Staal MJ. Improved gait performance in a patient"
        " with hereditary spastic paraplegia after a continuous intrathecal baclofen test"
        " infusion and subsequent pump implantation: a case report. Arch Phys Med Rehabil."
        " 2015 Jun;96(6):1166-9. doi:10.1016/j.apmr.2015.01.012. PMID: 25626112",
    ),
    Reference(  # [36], section 0.2
        "ridley2006",
        "Ridley B. Intrathecal baclofen therapy: challenges in patients with multiple"
        " sclerosis. Rehabil Nurs. 2006 Jul-Aug. doi:10.1002/j.2048-7940.2006.tb00381.x",
    ),
    Reference(  # [43], section 0.2
        "turner-stokes2009",
        "Turner-Stokes L. Goal attainment scaling (GAS) in rehabilitation: a practical guide."
        " Clin Rehabil. 2009;23(4):362-70. doi:10.1177/0269215508101742. (An erratum corrects"
        " the formulas on pp. 364 and 367.)",
    ),
    Reference(  # [53]
        "dollinger",
        "Dollinger M. Is a baclofen pump right for you? Assessment and testing [Internet]. HSP"
        " Research Foundation (HSPersUnite), Australia; [date not shown].",
        ("https://hspersunite.org.au/is-a-baclofen-pump-right-for-you/",),
    ),
)


@dataclass(frozen=True)
class Cited:
    number: int
    reference: Reference


class Citations:
    """Numbers sources in order of first citation (Vancouver), one per document.

    Calling it with keys returns the bracketed numbers for the text, e.g.
    ``cite("a", "b")`` -> ``"[1,2]"``; ``listed()`` then gives the reference
    list. Rendering is top to bottom, so the list must come after the text.
    """

    def __init__(self, references: dict[str, Reference] | None = None) -> None:
        self._references = REFERENCES if references is None else references
        self._numbers: dict[str, int] = {}

    def __call__(self, *keys: str) -> str:
        return f"[{format_numbers(self.number(key) for key in keys)}]"

    def number(self, key: str) -> int:
        if key not in self._references:
            msg = f"unknown reference {key!r}"
            raise KeyError(msg)
        return self._numbers.setdefault(key, len(self._numbers) + 1)

    def listed(self) -> list[Cited]:
        return [Cited(n, self._references[key]) for key, n in self._numbers.items()]


def format_numbers(numbers: Iterable[int]) -> str:
    """Vancouver in-text numbers: 1,2 stay a list; three or more in a row become 3-5."""
    ordered = sorted(set(numbers))
    parts: list[str] = []
    start = 0
    while start < len(ordered):
        end = start
        while end + 1 < len(ordered) and ordered[end + 1] == ordered[end] + 1:
            end += 1
        if end - start >= 2:
            parts.append(f"{ordered[start]}\u2013{ordered[end]}")
        else:
            parts.extend(str(n) for n in ordered[start : end + 1])
        start = end + 1
    return ",".join(parts)
