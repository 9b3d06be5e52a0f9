package cn.gov.yn.banshitong.app

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.activity.viewModels

class MainActivity : ComponentActivity() {

    private val viewModel: MainViewModel by viewModels { MainViewModel.Factory }

    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        setContent {
            BanshitongTheme {
                MainRoute(viewModel)
            }
        }
    }

    // The app is in the foreground while this, its one activity, is
    // started: the applications' status stays live over the connection.
    override fun onStart() {
        super.onStart()
        (application as BanshitongApp).setForeground(true)
    }

    override fun onStop() {
        super.onStop()
        (application as BanshitongApp).setForeground(false)
    }
}
