"""``data update``: plan the fetches, run them with saved progress, derive the figures.

Each task (a Statistics Finland table, a Sotkanet indicator, one municipality's SYKE
file) is marked done in the cache as soon as its data is in, so an interrupted update
resumes where it stopped. A provider that fails ends its own turn only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from kuntaprofiili.core.model import POPULATION_ITEM, FetchSpec, Item, Provider, Questionnaire
from kuntaprofiili.core.municipality import Municipality
from kuntaprofiili.opendata import sotkanet, statfin, syke
from kuntaprofiili.opendata.cache import empty_cache, now, read_cache, write_cache
from kuntaprofiili.opendata.derive import derive
from kuntaprofiili.opendata.http import FetchError, Http, NotPublished

SAVE_EVERY = 25  # SYKE tasks between cache writes (and always at the end or on Ctrl-C)

OnProgress = Callable[[Provider, int, int], None]


@dataclass(frozen=True, slots=True)
class Task:
    """One unit of fetching whose result is saved before the next one starts."""

    key: str
    provider: Provider
    run: Callable[[], None]


@dataclass(slots=True)
class Outcome:
    """What an update achieved."""

    fetched: int = 0  # tasks done in this run
    failures: dict[Provider, FetchError] = field(default_factory=dict)
    missing: dict[Provider, dict[str, int]] = field(default_factory=dict)  # item id -> places
    not_published: list[str] = field(default_factory=list)
    values: int = 0


def fetched_items(q: Questionnaire) -> list[Item]:
    """Items with a fetch spec, in questionnaire order."""
    return [item for item in q.items if item.fetch is not None]


class Updater:
    """One run of ``data update``."""

    def __init__(
        self,
        q: Questionnaire,
        places: Sequence[Municipality],
        only: Municipality | None,
        http: Http,
        on_progress: OnProgress = lambda _p, _d, _t: None,
    ) -> None:
        self.items = fetched_items(q)
        self.places = [only] if only is not None else list(places)
        self.only = only.code if only is not None else None
        self.http = http
        self.on_progress = on_progress
        self.cache: dict[str, Any] = read_cache() or empty_cache()
        self.outcome = Outcome()
        scope = self.only or "all"
        progress = self.cache.get("progress")
        if not isinstance(progress, dict) or progress.get("scope") != scope:
            progress = {"scope": scope, "started": now(), "done": []}
        self.cache["progress"] = progress
        self.done: set[str] = set(progress["done"])

    @property
    def resumed(self) -> int:
        """Tasks an earlier, interrupted update already finished."""
        return len(self.done)

    def run(self) -> Outcome:
        """Fetch every provider's tasks, then derive the figures; the cache is always saved."""
        complete = False
        try:
            for provider in Provider:
                self._run_provider(provider, self._tasks(provider))
            complete = not self.outcome.failures
        finally:
            self._derive_values()
            if complete:
                self.cache.pop("progress", None)
            self.cache["updated"] = now()
            write_cache(self.cache)
        return self.outcome

    # -- planning ----------------------------------------------------------------------

    def _specs(self, provider: Provider) -> list[FetchSpec]:
        return [i.fetch for i in self.items if i.fetch is not None and i.fetch.provider is provider]

    def _tasks(self, provider: Provider) -> list[Task]:
        specs = self._specs(provider)
        if not specs:
            return []
        if provider is Provider.STATFIN:
            return self._statfin_tasks(specs)
        if provider is Provider.SOTKANET:
            return self._sotkanet_tasks(specs)
        return [self._syke_task(place.code) for place in self.places]

    def _statfin_tasks(self, specs: list[FetchSpec]) -> list[Task]:
        base = statfin.base_url()
        limits: list[statfin.Limits] = []

        def limits_once() -> statfin.Limits:
            if not limits:
                limits.append(statfin.read_limits(self.http, base))
            return limits[0]

        tables: dict[str, list[FetchSpec]] = {}
        for spec in specs:
            tables.setdefault(str(spec.table), []).append(spec)

        def task(table: str, table_specs: list[FetchSpec]) -> Task:
            def run() -> None:
                found, missing = statfin.fetch_table(
                    self.http, base, limits_once(), table, table_specs, self.only
                )
                for key, data in found.items():
                    self._store(key, Provider.STATFIN, table, statfin.ATTRIBUTION, data)
                self.outcome.not_published += [f"{table}: {s.content[0]}" for s in missing]

            return Task(f"statfin:{table}", Provider.STATFIN, run)

        return [task(table, table_specs) for table, table_specs in tables.items()]

    def _sotkanet_tasks(self, specs: list[FetchSpec]) -> list[Task]:
        base = sotkanet.base_url()

        def regions() -> None:
            self.cache["regions"]["sotkanet"] = sotkanet.fetch_regions(self.http, base)

        def task(indicator: int) -> Task:
            same = [s for s in specs if s.indicator == indicator]

            def run() -> None:
                years = sotkanet.years_for(self.http, base, indicator, same)
                mapping = self.cache["regions"].get("sotkanet") or {}
                data = sotkanet.fetch_indicator(self.http, base, indicator, years, mapping)
                key = sotkanet.series_key(same[0])
                self._store(key, Provider.SOTKANET, str(indicator), sotkanet.ATTRIBUTION, data)

            return Task(f"sotkanet:{indicator}", Provider.SOTKANET, run)

        indicators = sorted({int(s.indicator or 0) for s in specs})
        first = Task("sotkanet:regions", Provider.SOTKANET, regions)
        return [first, *(task(indicator) for indicator in indicators)]

    def _syke_task(self, code: str) -> Task:
        base = syke.base_url()

        def run() -> None:
            try:
                data = {code: syke.fetch_municipality(self.http, base, code)}
            except NotPublished:
                self.outcome.not_published.append(syke.file_url(base, code))
                return
            self._store(syke.SERIES_KEY, Provider.SYKE, "Tulokset_taso_5", syke.ATTRIBUTION, data)

        return Task(f"syke:{code}", Provider.SYKE, run)

    # -- running -----------------------------------------------------------------------

    def _run_provider(self, provider: Provider, tasks: list[Task]) -> None:
        total = len(tasks)
        finished = sum(task.key in self.done for task in tasks)
        self.on_progress(provider, finished, total)
        for task in (t for t in tasks if t.key not in self.done):
            try:
                task.run()
            except FetchError as error:
                self.outcome.failures[provider] = error
                return
            self.done.add(task.key)
            self.cache["progress"]["done"].append(task.key)
            self.outcome.fetched += 1
            finished += 1
            self.on_progress(provider, finished, total)
            if provider is not Provider.SYKE or finished % SAVE_EVERY == 0:
                write_cache(self.cache)

    def _store(
        self, key: str, provider: Provider, source: str, attribution: str, data: dict[str, Any]
    ) -> None:
        entry = self.cache["series"].setdefault(key, {"data": {}})
        entry.update(provider=str(provider), source=source, attribution=attribution, fetched=now())
        entry["data"].update(data)

    # -- deriving ----------------------------------------------------------------------

    def _derive_values(self) -> None:
        """Every mapped figure for the municipalities in scope, from the series in the cache."""
        population = next((i for i in self.items if i.id == POPULATION_ITEM), None)
        ordered = ([population] if population else []) + [
            i for i in self.items if i is not population
        ]
        for place in self.places:
            values = self.cache["values"].setdefault(place.code, {})
            for item in ordered:
                derived = self._derive_one(item, place.code, values)
                if derived is not None:
                    values[item.id] = derived
                    self.outcome.values += 1
                elif item.fetch is not None:
                    self._note_missing(item)

    def _derive_one(self, item: Item, code: str, values: dict[str, Any]) -> dict[str, Any] | None:
        spec = item.fetch
        assert spec is not None
        entry = self.cache["series"].get(series_key(spec))
        if not isinstance(entry, dict):
            return None
        series = (entry.get("data") or {}).get(code) or {}
        people = (values.get(POPULATION_ITEM) or {}).get("value")
        result = derive(spec, series, float(people) if people else None)
        if result is None:
            return None
        return {
            "value": result.value,
            "provider": entry["provider"],
            "source": entry["source"],
            "year": result.year,
            "fetched": entry["fetched"],
            "attribution": entry["attribution"],
        }

    def _note_missing(self, item: Item) -> None:
        assert item.fetch is not None
        missing = self.outcome.missing.setdefault(item.fetch.provider, {})
        missing[item.id] = missing.get(item.id, 0) + 1


def series_key(spec: FetchSpec) -> str:
    """The cache key of the series a spec reads, whatever its provider."""
    if spec.provider is Provider.STATFIN:
        return statfin.series_key(spec)
    if spec.provider is Provider.SOTKANET:
        return sotkanet.series_key(spec)
    return syke.SERIES_KEY
