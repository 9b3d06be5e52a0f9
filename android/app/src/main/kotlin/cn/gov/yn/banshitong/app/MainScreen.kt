package cn.gov.yn.banshitong.app

import androidx.annotation.StringRes
import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.Button
import androidx.compose.material3.CircularProgressIndicator
import androidx.compose.material3.ExperimentalMaterial3Api
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Scaffold
import androidx.compose.material3.Text
import androidx.compose.material3.TopAppBar
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.tooling.preview.Preview
import androidx.compose.ui.unit.dp
import androidx.lifecycle.compose.collectAsStateWithLifecycle
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.core.Connectivity
import cn.gov.yn.banshitong.core.Region
import cn.gov.yn.banshitong.core.RegionLevel

/** Collects the view model's state while the screen is visible; everything below is stateless. */
@Composable
fun MainRoute(viewModel: MainViewModel) {
    val connectivity by viewModel.connectivity.collectAsStateWithLifecycle()
    val regions by viewModel.regions.collectAsStateWithLifecycle()
    MainScreen(connectivity = connectivity, regions = regions, onRetry = viewModel::loadRegions)
}

@OptIn(ExperimentalMaterial3Api::class)
@Composable
fun MainScreen(
    connectivity: Connectivity,
    regions: RegionsUiState,
    onRetry: () -> Unit,
    modifier: Modifier = Modifier,
) {
    Scaffold(
        modifier = modifier,
        topBar = {
            TopAppBar(
                title = { Text(stringResource(R.string.regions_title)) },
                actions = { ConnectivityLabel(connectivity, Modifier.padding(end = 16.dp)) },
            )
        },
    ) { padding ->
        val content = Modifier
            .fillMaxSize()
            .padding(padding)
        when (regions) {
            RegionsUiState.Loading -> Box(content, contentAlignment = Alignment.Center) {
                CircularProgressIndicator()
            }
            is RegionsUiState.Failed -> ErrorMessage(regions.kind, onRetry, content)
            is RegionsUiState.Loaded -> RegionList(regions.regions, content)
        }
    }
}

@Composable
private fun ConnectivityLabel(connectivity: Connectivity, modifier: Modifier = Modifier) {
    val (label, color) = when (connectivity) {
        Connectivity.UNKNOWN -> R.string.connectivity_unknown to MaterialTheme.colorScheme.onSurfaceVariant
        Connectivity.ONLINE -> R.string.connectivity_online to MaterialTheme.colorScheme.primary
        Connectivity.OFFLINE -> R.string.connectivity_offline to MaterialTheme.colorScheme.error
    }
    Text(stringResource(label), modifier, color = color, style = MaterialTheme.typography.labelLarge)
}

@Composable
private fun RegionList(regions: List<Region>, modifier: Modifier = Modifier) {
    if (regions.isEmpty()) {
        Box(modifier, contentAlignment = Alignment.Center) {
            Text(stringResource(R.string.regions_empty))
        }
        return
    }
    LazyColumn(modifier) {
        items(regions, key = { it.code }) { region ->
            ListItem(
                headlineContent = { Text(region.name) },
                supportingContent = { Text(region.code) },
                trailingContent = { Text(stringResource(region.level.labelRes())) },
            )
        }
    }
}

@Composable
private fun ErrorMessage(kind: ErrorKind, onRetry: () -> Unit, modifier: Modifier = Modifier) {
    Column(
        modifier.padding(24.dp),
        verticalArrangement = Arrangement.spacedBy(16.dp, Alignment.CenterVertically),
        horizontalAlignment = Alignment.CenterHorizontally,
    ) {
        Text(stringResource(kind.messageRes()), textAlign = TextAlign.Center)
        Button(onClick = onRetry) { Text(stringResource(R.string.retry)) }
    }
}

@StringRes
private fun RegionLevel.labelRes(): Int = when (this) {
    RegionLevel.PROVINCE -> R.string.region_level_province
    RegionLevel.PREFECTURE -> R.string.region_level_prefecture
    RegionLevel.COUNTY -> R.string.region_level_county
}

@Preview(showBackground = true)
@Composable
private fun MainScreenPreview() {
    BanshitongTheme {
        MainScreen(
            connectivity = Connectivity.OFFLINE,
            regions = RegionsUiState.Loaded(
                listOf(
                    Region(code = "530000", name = "云南省", parentCode = null, level = RegionLevel.PROVINCE),
                    Region(code = "530100", name = "昆明市", parentCode = "530000", level = RegionLevel.PREFECTURE),
                    Region(code = "530102", name = "五华区", parentCode = "530100", level = RegionLevel.COUNTY),
                ),
            ),
            onRetry = {},
        )
    }
}
