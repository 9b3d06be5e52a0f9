package cn.gov.yn.banshitong.app

import androidx.lifecycle.ViewModel
import androidx.lifecycle.ViewModelProvider
import androidx.lifecycle.ViewModelProvider.AndroidViewModelFactory.Companion.APPLICATION_KEY
import androidx.lifecycle.viewModelScope
import androidx.lifecycle.viewmodel.initializer
import androidx.lifecycle.viewmodel.viewModelFactory
import cn.gov.yn.banshitong.BstClient
import cn.gov.yn.banshitong.BstException
import cn.gov.yn.banshitong.ErrorKind
import cn.gov.yn.banshitong.connectivityFlow
import cn.gov.yn.banshitong.core.Connectivity
import cn.gov.yn.banshitong.core.Region
import kotlinx.coroutines.Job
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharingStarted
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.catch
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.stateIn
import kotlinx.coroutines.launch

/** What the regions list shows. */
sealed interface RegionsUiState {
    data object Loading : RegionsUiState

    data class Loaded(val regions: List<Region>) : RegionsUiState

    /** The screen words its message from [kind]; the error's reason is for logs. */
    data class Failed(val kind: ErrorKind) : RegionsUiState
}

/**
 * The start screen: whether the platform is reachable, and Yunnan's regions
 * (from the offline cache when it is not).
 */
class MainViewModel(
    private val client: suspend () -> BstClient,
) : ViewModel() {

    /**
     * Live while the screen is at least STARTED (plus 5 s, so a rotation does
     * not resubscribe): stopping the collection cancels the core subscription.
     */
    val connectivity: StateFlow<Connectivity> =
        flow { emitAll(client().connectivityFlow()) }
            // A client that cannot be built is reported by the regions state.
            .catch { e -> if (e !is BstException) throw e }
            .stateIn(viewModelScope, SharingStarted.WhileSubscribed(5_000), Connectivity.UNKNOWN)

    private val _regions = MutableStateFlow<RegionsUiState>(RegionsUiState.Loading)
    val regions: StateFlow<RegionsUiState> = _regions.asStateFlow()

    private var loadingRegions: Job? = null

    init {
        loadRegions()
    }

    fun loadRegions() {
        loadingRegions?.cancel()
        loadingRegions = viewModelScope.launch {
            _regions.value = RegionsUiState.Loading
            _regions.value = try {
                RegionsUiState.Loaded(client().regions())
            } catch (e: BstException.Failure) {
                RegionsUiState.Failed(e.kind)
            }
        }
    }

    companion object {
        val Factory: ViewModelProvider.Factory = viewModelFactory {
            initializer {
                val app = checkNotNull(this[APPLICATION_KEY]) as BanshitongApp
                MainViewModel(client = { app.client() })
            }
        }
    }
}
